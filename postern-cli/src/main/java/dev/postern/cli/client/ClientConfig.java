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
        return dev.postern.common.ServerUrls.normalize(server);
    }

    @Override
    public String toString() {
        return "ClientConfig[server=" + server + ", email=" + email + ", token=<hidden>]";
    }
}
