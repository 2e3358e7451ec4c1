package dev.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One entry of an org's certificate log.
 *
 * @param serial unique across the whole store (allocated by {@link CertificateStore#nextSerial()})
 * @param personId the person the certificate names
 * @param issuedBy e-mail of the person who asked for it (may differ from the subject when an admin issues)
 * @param publicKeyFingerprint SHA256 fingerprint of the certified public key
 * @param revokedAt null while not revoked
 * @param revokedBy e-mail of the revoker, null while not revoked
 */
public record IssuedCertificate(long serial, long orgId, long personId, String keyId, List<String> principals,
                                String publicKeyFingerprint, Instant validAfter, Instant validBefore,
                                String issuedBy, Instant issuedAt, Instant revokedAt, String revokedBy) {
    public IssuedCertificate {
        Objects.requireNonNull(keyId, "keyId");
        principals = List.copyOf(principals);
        Objects.requireNonNull(publicKeyFingerprint, "publicKeyFingerprint");
        Objects.requireNonNull(validAfter, "validAfter");
        Objects.requireNonNull(validBefore, "validBefore");
        Objects.requireNonNull(issuedBy, "issuedBy");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
