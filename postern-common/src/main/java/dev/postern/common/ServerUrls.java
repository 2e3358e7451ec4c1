package dev.postern.common;

import java.net.URI;
import java.util.Locale;

/**
 * Control-plane URLs as people type them. Plain {@code http://} carries bearer tokens, join tokens and the
 * trust anchors a machine installs (CA keys, revocation lists), so it is accepted only to loopback unless the
 * operator says the network is trusted ({@code POSTERN_ALLOW_HTTP=1}).
 */
public final class ServerUrls {
    /** The environment variable that allows plain HTTP to a non-loopback server. */
    public static final String ALLOW_HTTP = "POSTERN_ALLOW_HTTP";

    private ServerUrls() {
    }

    /**
     * Checks a server URL and strips trailing slashes.
     *
     * @throws IllegalArgumentException naming the bad value and the expected shape
     */
    public static String normalize(String server) {
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
        // the URL is saved, sent a path appended, and printed inside the 'postern agent' command line people
        // copy: no credentials, no query or fragment, and a path that no shell would interpret
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath() == null || uri.getRawPath().matches("[A-Za-z0-9._~/-]*"))) {
            throw new IllegalArgumentException("--server '" + server + "' must be scheme://host[:port][/path] with a"
                    + " path of letters, digits and '._~/-', e.g. https://postern.example.com");
        }
        return s;
    }

    /**
     * Refuses plain HTTP to anything but loopback unless {@value #ALLOW_HTTP} is {@code 1} or {@code true}.
     *
     * @param allowHttp the value of {@value #ALLOW_HTTP}, null when unset; read only when the URL needs it
     * @throws IllegalArgumentException explaining the risk and both fixes, or naming the accepted values of a
     *     {@value #ALLOW_HTTP} that is set to anything else ({@link EnvFlag})
     */
    public static void requireSafe(String url, String allowHttp) {
        URI uri = URI.create(url);
        if (!"http".equalsIgnoreCase(uri.getScheme()) || isLoopback(uri.getHost())) {
            return;
        }
        boolean allowed;
        try {
            allowed = EnvFlag.isOn(ALLOW_HTTP, allowHttp);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(url + " is plain HTTP to another host, and " + e.getMessage());
        }
        if (allowed) {
            return;
        }
        throw new IllegalArgumentException(url + " is plain HTTP to another host: tokens, CA keys and revocation"
                + " lists would cross the network unprotected. Use https:// (TLS in front of 'postern server'), or set "
                + ALLOW_HTTP + "=1 if this network is trusted");
    }

    /** True for localhost, 127.0.0.0/8 and ::1 (with or without brackets). */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }
}
