package dev.postern.cli.machines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlTest {
    @Test
    void parsesEachUnit() {
        assertThat(Ttl.parse("30m").value()).isEqualTo(Duration.ofMinutes(30));
        assertThat(Ttl.parse("1h").seconds()).isEqualTo(3600);
        assertThat(Ttl.parse("7d").value()).isEqualTo(Duration.ofDays(7));
        assertThat(Ttl.parse(" 90s ").value()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesShapesQuotingTheValue() {
        for (String bad : new String[] {"", "1", "h", "1.5h", "-1h", "1w", "1 h", "1H"}) {
            assertThatThrownBy(() -> Ttl.parse(bad)).as(bad).isInstanceOf(CliException.class)
                    .hasMessageContaining("--ttl '" + bad + "'").hasMessageContaining("30m, 1h, 7d")
                    .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE);
        }
    }

    @Test
    void refusesOutOfRangeNamingTheLimits() {
        assertThatThrownBy(() -> Ttl.parse("59s")).hasMessageContaining("--ttl 59s is out of range").hasMessageContaining("1m to 30d");
        assertThatThrownBy(() -> Ttl.parse("31d")).hasMessageContaining("--ttl 31d is out of range");
        assertThat(Ttl.parse("30d").value()).isEqualTo(Duration.ofDays(30));
        assertThat(Ttl.parse("1m").value()).isEqualTo(Duration.ofMinutes(1));
    }
}
