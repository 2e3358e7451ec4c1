package dev.postern.common.api;

import java.time.Instant;

/**
 * The host key of a removed machine, revoked for good: clients put it in known_hosts as
 * {@code @revoked * <publicKey>} and refuse it.
 *
 * @param publicKey the host public key line ({@code ssh-ed25519 AAAA...})
 */
public record RevokedHostKeyView(String machineId, String app, String publicKey, String fingerprint,
                                 Instant revokedAt) {
}
