package dev.postern.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackTest {
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"})
    void loopbackHostsMayBeBound(String host) {
        assertThat(Loopback.isLoopback(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*", "0.0.0.0", "::", "10.0.0.1", "192.168.1.1", "fe80::1", "example.com",
            "localhost.example.com", "127.0.0.1.nip.io"})
    void everythingElseIsNot(String host) {
        assertThat(Loopback.isLoopback(host)).isFalse();
    }
}
