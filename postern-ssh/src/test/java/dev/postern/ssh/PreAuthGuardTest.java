package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The counting behind {@link PreAuthGuard}'s caps, for sources the loopback tests (PreAuthLimitsIT in the gateway
 * and agent, over real sockets from 127.0.0.x) cannot be: IPv6 clients, which are handed a /64 each.
 */
class PreAuthGuardTest {
    private final PreAuthGuard guard = new PreAuthGuard(new PreAuthLimits(20, Duration.ofMinutes(1), 2, 6),
            Clock.systemUTC());

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    /** Attack: one IPv6 client walks through the 2^64 addresses of its /64 to take every unauthenticated slot. */
    @Test
    void anIpv6ClientIsCountedByItsSlash64NotByAddress() throws Exception {
        assertThat(guard.admit(ip("2001:db8:1:2::1")).admission()).isNotNull();
        assertThat(guard.admit(ip("2001:db8:1:2::2")).admission()).isNotNull();
        PreAuthGuard.Admitted third = guard.admit(ip("2001:db8:1:2:ffff:ffff:ffff:fffe"));
        assertThat(third.refusal()).isEqualTo(PreAuthGuard.Reason.PER_SOURCE_CAP);
        assertThat(third.message()).isEqualTo("too many connections not logged in from 2001:db8:1:2:0:0:0:0/64"
                + " (limit 2)");
        // the next /64 is someone else
        assertThat(guard.admit(ip("2001:db8:1:3::1")).admission()).isNotNull();
    }

    @Test
    void ipv4AndLoopbackSourcesAreCountedByAddress() throws Exception {
        for (String source : new String[] {"127.0.0.5", "127.0.0.6", "::1"}) {
            assertThat(guard.admit(ip(source)).admission()).as(source).isNotNull();
            assertThat(guard.admit(ip(source)).admission()).as(source).isNotNull();
            assertThat(guard.admit(ip(source)).message()).as(source)
                    .isEqualTo("too many connections not logged in from " + ip(source).getHostAddress()
                            + " (limit 2)");
        }
        assertThat(guard.admit(ip("127.0.0.7")).admission()).as("a seventh connection in all").isNull();
        assertThat(guard.admit(ip("127.0.0.7")).refusal()).isEqualTo(PreAuthGuard.Reason.TOTAL_CAP);
    }

    @Test
    void anIpv4MappedIpv6AddressIsItsIpv4Address() throws Exception {
        assertThat(SourcePrefix.of(ip("::ffff:192.0.2.7"))).isEqualTo(ip("192.0.2.7"));
        assertThat(SourcePrefix.describe(SourcePrefix.of(ip("fe80::1:2:3:4")))).isEqualTo("fe80:0:0:0:0:0:0:0/64");
    }

    /**
     * Attack: behind a stateless NAT64 (SIIT) in front of an IPv6-only server every IPv4 client is 64:ff9b::a.b.c.d;
     * by /64 they would all be one source, and one client's failed logins would block every IPv4 client.
     */
    @Test
    void aNat64SourceIsCountedByItsEmbeddedIpv4Address() throws Exception {
        assertThat(SourcePrefix.of(ip("64:ff9b::192.0.2.7"))).isEqualTo(ip("192.0.2.7"));
        assertThat(guard.admit(ip("64:ff9b::192.0.2.7")).admission()).isNotNull();
        assertThat(guard.admit(ip("64:ff9b::192.0.2.7")).admission()).isNotNull();
        assertThat(guard.admit(ip("64:ff9b::192.0.2.7")).message())
                .isEqualTo("too many connections not logged in from 192.0.2.7 (limit 2)");
        assertThat(guard.admit(ip("64:ff9b::198.51.100.9")).admission()).as("another IPv4 client").isNotNull();
    }
}
