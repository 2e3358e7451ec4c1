package dev.postern.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnvFlagTest {
    @Test
    void onlyOneAndTrueTurnAFlagOn() {
        assertThat(EnvFlag.isOn("X", "1")).isTrue();
        assertThat(EnvFlag.isOn("X", "TRUE")).isTrue();
        assertThat(EnvFlag.isOn("X", null)).isFalse();
        assertThat(EnvFlag.isOn("X", " ")).isFalse();
    }

    @Test
    void anythingElseIsAnErrorNamingTheAcceptedValues() {
        for (String v : new String[] {"0", "false", "no", "off", "yes", "2", "\u001b[2J"}) {
            assertThatThrownBy(() -> EnvFlag.isOn("POSTERN_X", v)).as(v).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("POSTERN_X=1 (or true)").hasMessageNotContaining("\u001b");
        }
    }
}
