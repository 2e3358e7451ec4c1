package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token as stored: only the SHA-256 hash (lower-case hex) of the secret is kept.
 *
 * @param usedAt when a one-time token was consumed, or null
 */
public record ApiToken(String hash, long personId, TokenKind kind, Instant createdAt, Instant expiresAt, Instant usedAt) {
    public ApiToken {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
