package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.testing.MutableClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneConfigTest {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();

    @Test
    void aGatewayOnAllInterfacesNeedsAnAdvertisedAddress() {
        assertThatThrownBy(() -> new ControlPlaneConfig(dir, null, "127.0.0.1", 0, clock, null, null, "0.0.0.0", 2222))
                .hasMessageContaining("--gateway-advertise");
        assertThatThrownBy(() -> new ControlPlaneConfig(dir, null, "127.0.0.1", 0, clock, null, null, "127.0.0.1", 0,
                "no port")).hasMessageContaining("'no port'");
        assertThat(new ControlPlaneConfig(dir, null, "127.0.0.1", 0, clock, null, null, "0.0.0.0", 2222,
                "gw.example.com:2222").gatewayAdvertise()).isEqualTo("gw.example.com:2222");
    }

    @Test
    void hostCertificatesLastSevenDaysUnlessToldWithinFiveMinutesToAYear() {
        ControlPlaneConfig c = ControlPlaneConfig.local(dir, clock);
        assertThat(c.hostCertValidity()).isEqualTo(java.time.Duration.ofDays(7));
        assertThat(c.withHostCertValidity(java.time.Duration.ofHours(12)).hostCertValidity())
                .isEqualTo(java.time.Duration.ofHours(12));
        assertThatThrownBy(() -> c.withHostCertValidity(java.time.Duration.ofMinutes(4)))
                .hasMessageContaining("--host-cert-validity PT4M is out of range; use 5m to 365d");
        assertThatThrownBy(() -> c.withHostCertValidity(java.time.Duration.ofDays(366)))
                .hasMessageContaining("out of range");
    }

    @Test
    void theAdvertisedGatewayIsWhatMachinesAndPeopleAreTold() {
        try (ControlPlane cp = ControlPlane.start(new ControlPlaneConfig(dir.resolve("data"), null, "127.0.0.1", 0, clock,
                null, null, "127.0.0.1", 0, "gw.example.com:2222"))) {
            assertThat(new Http(cp.baseUrl()).get("/v1/gateway", null).json().get("address").asText())
                    .isEqualTo("gw.example.com:2222");
        }
    }
}
