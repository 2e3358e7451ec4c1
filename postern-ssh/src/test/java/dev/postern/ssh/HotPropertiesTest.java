package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.sshd.common.SyspropsMapWrapper;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.Test;

/** {@link ServerSetup#pinHotProperties}: looked up once, the properties keep what was configured. */
class HotPropertiesTest {
    @Test
    void unsetPropertiesArePinnedToMinasDefaultsOnTheServer() {
        SshServer server = SshServer.setUpDefaultServer();

        ServerSetup.pinHotProperties(server);

        // found on the server itself, so MINA's look-up stops there instead of going on to the system properties
        assertThat(server.getProperties()).containsKeys(CoreModuleProperties.NIO2_READ_TIMEOUT.getName(),
                CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getName());
        assertThat(CoreModuleProperties.NIO2_READ_TIMEOUT.getRequired(server))
                .isEqualTo(CoreModuleProperties.NIO2_READ_TIMEOUT.getRequiredDefault());
        assertThat(CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getRequired(server))
                .isEqualTo(CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getRequiredDefault());
    }

    @Test
    void aValueConfiguredOnTheServerOrAsASystemPropertyIsTheOneKept() {
        SshServer server = SshServer.setUpDefaultServer();
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(server, Duration.ofSeconds(42));
        String sysprop = SyspropsMapWrapper.getMappedSyspropKey(CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getName());
        System.setProperty(sysprop, "17000");
        try {
            ServerSetup.pinHotProperties(server);
        } finally {
            System.clearProperty(sysprop);
        }

        assertThat(CoreModuleProperties.NIO2_READ_TIMEOUT.getRequired(server)).isEqualTo(Duration.ofSeconds(42));
        assertThat(CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getRequired(server)).as("pinned, sysprop gone")
                .isEqualTo(Duration.ofMillis(17000));
    }
}
