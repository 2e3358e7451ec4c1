package dev.postern.common.api;

import java.time.Instant;

/**
 * An org's CA public keys. {@code userCaPublicKey} is a line for sshd's TrustedUserCAKeys;
 * {@code hostCaPublicKey} goes after {@code @cert-authority} in known_hosts.
 */
public record AuthorityView(String org, String userCaPublicKey, String hostCaPublicKey, Instant createdAt,
                            boolean replaced) {
}
