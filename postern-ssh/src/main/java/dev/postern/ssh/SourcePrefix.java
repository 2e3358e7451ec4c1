package dev.postern.ssh;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What the pre-auth limits ({@link PreAuthGuard}) count a connection's source by: an IPv4 address as it is, an IPv6
 * address by the /64 network it is in. Why: one IPv6 subscriber or server is handed a whole /64 (2^64 addresses), so
 * limits per address would let one client take the total cap of unauthenticated connections alone, and a source
 * refused for failed logins would simply move to the next address. The loopback address stays itself.
 */
final class SourcePrefix {
    /** The prefix length an IPv6 source is counted by. */
    static final int IPV6_BITS = 64;

    private SourcePrefix() {
    }

    /** The address the limits count {@code source} under: itself, or its /64 with the host part zeroed. */
    static InetAddress of(InetAddress source) {
        if (!(source instanceof Inet6Address) || source.isLoopbackAddress()) {
            return source;
        }
        byte[] bytes = source.getAddress();
        for (int i = IPV6_BITS / 8; i < bytes.length; i++) {
            bytes[i] = 0;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** How a counted source is named in messages and logs: {@code 127.0.0.5}, {@code 2001:db8:0:0:0:0:0:0/64}. */
    static String describe(InetAddress counted) {
        return counted instanceof Inet6Address && !counted.isLoopbackAddress()
                ? counted.getHostAddress() + "/" + IPV6_BITS : counted.getHostAddress();
    }
}
