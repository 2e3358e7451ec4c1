package dev.postern.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PortSpecTest {
    @Test
    void remoteDefaultsToLocal() {
        assertThat(PortSpec.parse("5432")).isEqualTo(new PortSpec(5432, 5432));
        assertThat(PortSpec.parse("15432:5432")).isEqualTo(new PortSpec(15432, 5432));
    }

    @Test
    void refusesOtherShapesQuotingThem() {
        assertThatThrownBy(() -> PortSpec.parse("localhost:80")).hasMessageContaining("'localhost:80' is not LOCAL[:REMOTE]");
        assertThatThrownBy(() -> PortSpec.parse("0")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> PortSpec.parse("70000")).hasMessageContaining("1..65535");
    }
}
