package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import org.junit.jupiter.api.Test;

class HoursTest {
    @Test
    void acceptsOneToSeventyTwo() {
        assertThat(Hours.parse("1").value()).isEqualTo(1);
        assertThat(Hours.parse(" 24 ").value()).isEqualTo(24);
        assertThat(Hours.parse("72").value()).isEqualTo(72);
    }

    @Test
    void refusesOutOfRangeAndNonNumbersQuotingTheValue() {
        assertThatThrownBy(() -> Hours.parse("0")).isInstanceOf(CliException.class)
                .hasMessage("--hours 0 is out of range; certificates last 1 to 72 hours (default 24)")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThatThrownBy(() -> Hours.parse("73")).hasMessageContaining("--hours 73 is out of range");
        assertThatThrownBy(() -> Hours.parse("abc")).hasMessageContaining("--hours 'abc' is not a whole number")
                .hasMessageContaining("1 to 72");
        assertThatThrownBy(() -> Hours.parse("99999999999")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> Hours.parse("1.5")).hasMessageContaining("'1.5'");
    }
}
