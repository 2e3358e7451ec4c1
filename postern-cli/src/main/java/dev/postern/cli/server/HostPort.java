package dev.postern.cli.server;

/** An {@code ADDR:PORT} option value; {@code [::1]:7070} for IPv6. */
public record HostPort(String host, int port) {
    /** Parses {@code value} of option {@code flag}, or throws a message that quotes it and shows the form. */
    public static HostPort parse(String flag, String value) {
        return parse(flag, value, "127.0.0.1:7070");
    }

    /** As {@link #parse(String, String)}, with the example shown in the message. */
    public static HostPort parse(String flag, String value, String example) {
        String v = value == null ? "" : value.trim();
        int colon = v.lastIndexOf(':');
        String host = colon > 0 ? v.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = colon > 0 ? Integer.parseInt(v.substring(colon + 1)) : -1;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " '" + value + "' is not ADDR:PORT; use e.g. " + example);
        }
        return new HostPort(host, port);
    }
}
