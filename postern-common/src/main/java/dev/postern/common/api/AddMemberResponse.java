package dev.postern.common.api;

import java.time.Instant;

/**
 * Answer to adding a member: a one-time invite token the new member passes to
 * {@code postern auth login --token}. Shown once; only its hash is kept.
 */
public record AddMemberResponse(String email, String role, String inviteToken, Instant inviteExpiresAt) {
}
