package dev.postern.ssh;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * What the pre-auth limits ({@link PreAuthGuard}) count a connection's source by: an IPv4 address as it is, an IPv6
 * address by the /64 network it is in. Why: one IPv6 subscriber or server is handed a whole /64 (2^64 addresses), so
 * limits per address would let one client take the total cap of unauthenticated connections alone, and a source
 * refused for failed logins would simply move to the next address. The loopback address stays itself. A source in
 * NAT64's well-known prefix {@code 64:ff9b::/96} (RFC 6052: an IPv4 client as a stateless translator in front of an
 * IPv6-only server shows it) is its embedded IPv4 address: by /64, every IPv4 client on the Internet would be one
 * source, and one of them could block them all. (Link-local sources share fe80::/64 whatever their interface:
 * {@link Inet6Address#equals} ignores the scope, and a server is rarely reached over link-local from two links.)
 */
final class SourcePrefix {
    /** The prefix length an IPv6 source is counted by. */
    static final int IPV6_BITS = 64;

    /** 64:ff9b::/96, RFC 6052's well-known prefix (the first 12 bytes; the IPv4 address follows). */
    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private SourcePrefix() {
    }

    /** The address the limits count {@code source} under: itself, or its /64 with the host part zeroed. */
    static InetAddress of(InetAddress source) {
        if (!(source instanceof Inet6Address) || source.isLoopbackAddress()) {
            return source;
        }
        byte[] bytes = source.getAddress();
        try {
            if (Arrays.equals(bytes, 0, 12, NAT64_PREFIX, 0, 12)) {
                return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
            }
            for (int i = IPV6_BITS / 8; i < bytes.length; i++) {
                bytes[i] = 0;
            }
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
