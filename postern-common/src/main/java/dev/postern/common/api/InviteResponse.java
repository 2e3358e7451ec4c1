package dev.postern.common.api;

import java.time.Instant;

/** A fresh one-time login token for an existing member ({@code postern members invite}); shown once. */
public record InviteResponse(String email, String token, Instant expiresAt) {
}
