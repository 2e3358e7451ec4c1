package dev.postern.common.api;

import java.time.Instant;

/**
 * A machine join token as {@code postern tokens list} shows it: never the secret, never its hash.
 *
 * @param state {@code active}, {@code revoked}, {@code expired} or {@code used up}
 */
public record JoinTokenSummary(long id, String org, String app, int usesLeft, Instant expiresAt, String createdBy,
                               Instant createdAt, String state) {
}
