package dev.postern.cli.client;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@code postern auth login} remembers: the server's base URL, who logged in and the session token.
 * Kept in {@code $POSTERN_HOME/config.json} (0600) by {@link ConfigFile}.
 */
public record ClientConfig(String server, String email, String token) {
    public ClientConfig {
        server = normalizeServer(server);
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(token, "token");
    }

    /**
     * Checks a server URL given on the command line and strips trailing slashes.
     *
     * @throws IllegalArgumentException naming the bad value and the expected shape
     */
    public static String normalizeServer(String server) {
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("--server is required, e.g. --server http://127.0.0.1:7070");
        }
        String s = server.trim();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--server '" + server + "' is not a URL; use e.g. http://127.0.0.1:7070");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("--server '" + server
                    + "' must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:7070");
        }
        return s;
    }

    @Override
    public String toString() {
        return "ClientConfig[server=" + server + ", email=" + email + ", token=<hidden>]";
    }
}
