package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An app-scoped machine join token as stored (hash only).
 *
 * @param usesLeft how many more machines may join with it
 */
public record JoinToken(String hash, long orgId, long appId, int usesLeft, Instant expiresAt, String createdBy,
                        Instant createdAt) {
    public JoinToken {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
        if (usesLeft < 0) {
            throw new IllegalArgumentException("usesLeft " + usesLeft + " is negative");
        }
    }
}
