package dev.postern.common.api;

import java.time.Instant;
import java.util.List;

/** One entry of the certificate log. */
public record CertificateView(long serial, String keyId, String email, List<String> principals, String fingerprint,
                              Instant validAfter, Instant validBefore, String issuedBy, Instant issuedAt,
                              boolean revoked, Instant revokedAt, String revokedBy) {
    public CertificateView {
        principals = List.copyOf(principals);
    }
}
