package dev.postern.common.api;

/**
 * Body of {@code POST /v1/join}, authenticated by a join token.
 *
 * @param hostPublicKey the machine's Ed25519 host public key (OpenSSH line)
 * @param region free-form region label, e.g. {@code local} or {@code fra}
 */
public record JoinRequest(String hostPublicKey, String region) {
}
