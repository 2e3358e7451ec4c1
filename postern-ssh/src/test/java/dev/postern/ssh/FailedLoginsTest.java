package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedLoginsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aSourceIsBlockedAtTheLimitUntilItsOldestFailureLeavesTheWindow() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        FailedLogins failures = new FailedLogins(3, Duration.ofMinutes(1));
        assertThat(failures.record(a, T0)).isFalse();
        assertThat(failures.record(a, T0.plusSeconds(10))).isFalse();
        assertThat(failures.blocked(a, T0.plusSeconds(11))).isFalse();
        assertThat(failures.record(a, T0.plusSeconds(20))).as("third failure reaches the limit").isTrue();
        assertThat(failures.blocked(a, T0.plusSeconds(21))).isTrue();
        assertThat(failures.blocked(b, T0.plusSeconds(21))).as("another source").isFalse();
        assertThat(failures.blocked(a, T0.plusSeconds(59))).isTrue();
        assertThat(failures.blocked(a, T0.plusSeconds(60))).as("the first failure aged out").isFalse();
    }

    @Test
    void failuresSpreadWiderThanTheWindowNeverBlock() throws Exception {
        InetAddress a = InetAddress.getByName("2001:db8::1");
        FailedLogins failures = new FailedLogins(3, Duration.ofMinutes(1));
        for (int i = 0; i < 100; i++) {
            assertThat(failures.record(a, T0.plusSeconds(31L * i))).isFalse();
            assertThat(failures.blocked(a, T0.plusSeconds(31L * i + 1))).isFalse();
        }
    }

    @Test
    void limitsNameTheBadValue() {
        assertThatThrownBy(() -> new PreAuthLimits(0, Duration.ofMinutes(1), 64, 1024))
                .hasMessageContaining("maxFailuresPerSource is 0");
        assertThatThrownBy(() -> new PreAuthLimits(20, Duration.ZERO, 64, 1024))
                .hasMessageContaining("failureWindow is PT0S");
        assertThatThrownBy(() -> new PreAuthLimits(20, Duration.ofMinutes(1), 64, 10))
                .hasMessageContaining("maxUnauthenticated is 10");
        assertThat(PreAuthLimits.defaults()).isEqualTo(new PreAuthLimits(20, Duration.ofMinutes(1), 64, 1024));
    }
}
