package dev.postern.agent.forward;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Decides whether a requested bind host is loopback, without asking DNS. */
final class Loopback {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Loopback() {
    }

    /**
     * True for "localhost" (what {@code ssh -R PORT:...} sends when no bind address is given), 127.0.0.0/8
     * and ::1. False for "" and "*" (all interfaces), 0.0.0.0, :: and every other name or address.
     */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (!IPV4.matcher(h).matches() && !h.contains(":")) {
            return false; // a name other than localhost: resolving it could bind anywhere
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // literal address: no lookup happens
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
