package dev.postern.cli.client;

import java.net.URI;

/** Names of login contexts: given with {@code --name}, or derived from the server URL ({@code host:port}). */
public final class ContextNames {
    private ContextNames() {
    }

    /** Checks a context name (it appears in file names of no kind, but in commands and listings). */
    public static String check(String name) {
        if (name == null || !name.matches("[A-Za-z0-9\\[][A-Za-z0-9._:\\[\\]@-]{0,63}")) {
            throw new IllegalArgumentException("context name '" + name + "' is not valid; use letters, digits and"
                    + " . _ : [ ] @ - (up to 64), e.g. --name prod");
        }
        return name;
    }

    /** {@code http://127.0.0.1:7070} gives {@code 127.0.0.1:7070}; a URL without a port gives its host. */
    public static String fromServer(String server) {
        URI uri = URI.create(ClientConfig.normalizeServer(server));
        String host = uri.getHost() == null ? "server" : uri.getHost();
        return check(uri.getPort() < 0 ? host : host + ":" + uri.getPort());
    }
}
