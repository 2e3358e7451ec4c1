package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * The host key of a removed machine: revoked for good (KRL, known_hosts {@code @revoked}), refused at join.
 *
 * @param fingerprint {@code SHA256:...} of the host public key
 * @param hostKey the public key line; null when the machine joined before host keys were kept
 */
public record RevokedHostKey(String fingerprint, long orgId, String machineId, String app, String hostKey,
                             Instant revokedAt, String revokedBy) {
    public RevokedHostKey {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(revokedBy, "revokedBy");
    }
}
