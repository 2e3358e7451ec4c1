package dev.postern.common.api;

import java.time.Instant;

/**
 * A new machine join token; shown once, only its hash is kept.
 *
 * @param id the token's id, as {@code GET .../join-tokens} lists it and {@code DELETE /v1/join-tokens/{id}} takes it
 */
public record JoinTokenView(long id, String token, String org, String app, int uses, Instant expiresAt) {
}
