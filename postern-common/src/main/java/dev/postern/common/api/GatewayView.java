package dev.postern.common.api;

/** Answer to {@code GET /v1/gateway}: where the SSH gateway listens and its host key (for known_hosts). */
public record GatewayView(String address, String hostKey) {
}
