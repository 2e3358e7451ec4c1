package dev.postern.common.api;

/**
 * {@code GET /v1/server}: how others should reach this server.
 *
 * @param url the API URL to give machines and people ({@code --advertise}, else where it listens)
 * @param fingerprint the pin of the TLS key it serves ({@code sha256:...}); null when it serves plain HTTP
 */
public record ServerView(String url, String fingerprint) {
}
