package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.PropertyResolverUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.junit.jupiter.api.Test;

class SftpLimitsTest {
    @Test
    void unconfiguredReadsAreAsLargeAsOpenSshsAndTheRestIsMinasDefault() {
        SftpLimits limits = SftpLimits.of(session(SshServer.setUpDefaultServer()));

        assertThat(limits.maxRead()).isEqualTo(261_120);
        assertThat(limits.maxWrite()).isEqualTo(SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.getRequiredDefault());
        assertThat(limits.maxQueued()).isEqualTo(SftpReplyStream.DEFAULT_MAX_QUEUED);
        assertThat(limits.maxWait())
                .isEqualTo(CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT.getRequiredDefault());
    }

    @Test
    void valuesConfiguredOnTheServerAreKeptAndPinnedWhereMinaLooksFirst() {
        SshServer server = SshServer.setUpDefaultServer();
        SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(server, 40_000);
        SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.set(server, 50_000);
        CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_SIZE.set(server, 70_000);
        CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT.set(server, Duration.ofSeconds(7));
        PropertyResolver session = session(server);

        SftpLimits limits = SftpLimits.of(session);
        limits.pinOn(session);

        assertThat(limits).isEqualTo(new SftpLimits(40_000, 50_000, 70_000, Duration.ofSeconds(7)));
        // resolved once: the session's own map now answers MINA's per-request look-ups, with the configured values
        assertThat(session.getProperties())
                .containsEntry(SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.getName(), 40_000)
                .containsEntry(SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.getName(), 50_000);
        assertThat(SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.getRequired(session)).isEqualTo(40_000);
    }

    @Test
    void aReadSizeBelowMinasMinimumIsRefusedByName() {
        SshServer server = SshServer.setUpDefaultServer();
        server.getProperties().put(SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.getName(), 10);

        assertThatThrownBy(() -> SftpLimits.of(session(server)))
                .hasMessageContaining(SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.getName())
                .hasMessageContaining("10");
    }

    /** A resolver in front of the server's, as a session is. */
    private static PropertyResolver session(SshServer server) {
        return PropertyResolverUtils.toPropertyResolver(new HashMap<>(), server);
    }
}
