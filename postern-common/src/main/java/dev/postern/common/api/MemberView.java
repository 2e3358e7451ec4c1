package dev.postern.common.api;

import java.time.Instant;

/** A member as listed. */
public record MemberView(String email, String role, Instant addedAt) {
}
