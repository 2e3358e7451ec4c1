package dev.postern.common.api;

import java.time.Instant;

/** Answer to {@code POST /v1/auth/login}: the session token that replaces the one-time token. */
public record LoginResponse(String email, String token, Instant expiresAt) {
}
