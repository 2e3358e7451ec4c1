package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceAddressesTest {
    private static boolean match(String list, String addr) throws Exception {
        return SourceAddresses.matches(list, InetAddress.getByName(addr));
    }

    @Test
    void cidrBlocksAndSingleAddresses() throws Exception {
        assertThat(match("10.0.0.0/8", "10.200.1.2")).isTrue();
        assertThat(match("10.0.0.0/8", "11.0.0.1")).isFalse();
        assertThat(match("192.168.1.1", "192.168.1.1")).isTrue();
        assertThat(match("192.168.1.1", "192.168.1.2")).isFalse();
        assertThat(match("172.16.0.0/12, 127.0.0.1/32", "127.0.0.1")).isTrue();
        assertThat(match("10.1.2.128/25", "10.1.2.200")).isTrue();
        assertThat(match("10.1.2.128/25", "10.1.2.100")).isFalse();
        assertThat(match("fd00::/8", "fd12::1")).isTrue();
        assertThat(match("fd00::/8", "10.0.0.1")).isFalse();
        assertThat(match("0.0.0.0/0", "8.8.8.8")).isTrue();
    }

    @Test
    void malformedListsAreRefusedWithoutDnsLookups() {
        assertThatThrownBy(() -> match("example.com", "10.0.0.1")).isInstanceOf(CertificateRefusedException.class);
        assertThatThrownBy(() -> match("10.0.0.0/33", "10.0.0.1")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> match("10.0.0.0/x", "10.0.0.1")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> match("10.0.0.1,", "10.0.0.1")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> match("10.0.0", "10.0.0.1")).hasMessageContaining("malformed");
    }
}
