package dev.postern.common.api;

import java.time.Instant;

/**
 * Answer to adding a member: their login in the org (null for an owner or admin given none) and a one-time
 * invite token the new member passes to {@code postern auth login --token}. Shown once; only its hash is kept.
 */
public record AddMemberResponse(String email, String role, String login, String inviteToken, Instant inviteExpiresAt) {
}
