package dev.postern.cli.connect;

import java.time.Instant;
import java.util.Objects;

/**
 * A certificate a login context keeps for an org ({@link ContextFiles#keptKey}): what {@code auth logout} needs to
 * revoke it on the server.
 *
 * @param org the org, from the file's name
 * @param serial the certificate's serial in that org
 * @param validBefore its end
 */
public record KeptCertificate(String org, long serial, Instant validBefore) {
    public KeptCertificate {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(validBefore, "validBefore");
    }
}
