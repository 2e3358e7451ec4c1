package dev.postern.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void delaysDoubleWithJitterAndStopAtTheCap() {
        Random random = new Random(42);
        for (int attempt = 0; attempt < 40; attempt++) {
            long nominal = Math.min(2000, 100L << Math.min(attempt, 20));
            long d = backoff.delay(attempt, random).toMillis();
            assertThat(d).as("attempt %d", attempt).isBetween(nominal / 2, nominal);
        }
    }

    @Test
    void jitterSpreadsRetries() {
        Random random = new Random(7);
        long first = backoff.delay(5, random).toMillis();
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            differs = backoff.delay(5, random).toMillis() != first;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void badBoundsAreNamed() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("initial delay");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessageContaining("below the initial delay");
    }

    @Test
    void gatewayTrustNeverAcceptsEverything() {
        assertThatThrownBy(() -> new GatewayTrust(java.util.List.of(), java.util.List.of(), "gw"))
                .hasMessageContaining("never accepts an unknown gateway");
    }
}
