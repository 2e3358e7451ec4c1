package dev.postern.common.api;

import java.util.List;

/**
 * Answer to {@code DELETE /v1/orgs/{org}/apps/{app}/access/{email}}: the member's certificates that were revoked
 * with the grant (so that no agent, even one reached directly, takes them any more) and how many live gateway
 * connections were ended.
 */
public record RevokeAccessResponse(String app, String email, List<Long> revokedSerials, int connectionsEnded) {
}
