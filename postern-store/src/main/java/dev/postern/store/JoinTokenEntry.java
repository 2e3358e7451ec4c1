package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A join token with its public id and revocation, for listing and revoking. Holds the hash (the store's key)
 * only so the server can match a presented token; it is never shown.
 *
 * @param id        public number of the token, shown by {@code postern tokens list}
 * @param revokedAt when it was revoked, or null
 * @param revokedBy who revoked it, or null
 */
public record JoinTokenEntry(long id, JoinToken token, Instant revokedAt, String revokedBy) {
    public JoinTokenEntry {
        Objects.requireNonNull(token, "token");
    }

    /** Revoked wins over expired, expired over used up: the most deliberate reason is the one reported. */
    public JoinTokenState state(Instant now) {
        if (revokedAt != null) {
            return JoinTokenState.REVOKED;
        }
        if (!now.isBefore(token.expiresAt())) {
            return JoinTokenState.EXPIRED;
        }
        return token.usesLeft() == 0 ? JoinTokenState.USED_UP : JoinTokenState.ACTIVE;
    }
}
