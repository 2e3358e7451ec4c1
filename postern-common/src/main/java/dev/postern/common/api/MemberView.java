package dev.postern.common.api;

import java.time.Instant;

/** A member as listed; {@code login} is the account the org gave them, null until one is assigned. */
public record MemberView(String email, String role, String login, Instant addedAt) {
}
