package dev.postern.server;

import dev.postern.common.api.ServerView;
import dev.postern.server.tls.ServerTls;

/**
 * What the server tells logged-in clients about itself ({@code GET /v1/server}): the URL to give others and the
 * pin of the TLS key served now, so the CLI can print join and login lines that carry {@code --fingerprint}.
 */
final class ServerIdentity {
    private final ServerTls tls;
    private volatile String url;

    ServerIdentity(ServerTls tls) {
        this.tls = tls;
    }

    /** Set once the port is known. */
    void url(String advertised) {
        this.url = advertised;
    }

    ServerView view() {
        return new ServerView(url, tls == null ? null : tls.fingerprint().value());
    }
}
