package dev.postern.common.api;

import java.time.Instant;

/** A new machine join token; shown once, only its hash is kept. */
public record JoinTokenView(String token, String org, String app, int uses, Instant expiresAt) {
}
