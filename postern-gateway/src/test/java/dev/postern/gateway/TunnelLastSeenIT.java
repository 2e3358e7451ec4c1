package dev.postern.gateway;

import static dev.postern.gateway.GatewayTunnelIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LAST SEEN of a machine whose tunnel stays up: its agent's keepalives are written to the directory as "online
 * at", at most once a minute of the gateway's (injected) clock, and never after the tunnel went down.
 */
class TunnelLastSeenIT {
    @TempDir
    Path dir;

    @Test
    void keepalivesOfALiveTunnelMoveLastSeenOncePerMinute() throws Exception {
        FakeGatewayDirectory directory = new FakeGatewayDirectory();
        Path userCa = Keys.keygen(dir, "acme_user_ca");
        Path hostCa = Keys.keygen(dir, "acme_host_ca");
        directory.addOrg("acme", Keys.publicKey(userCa), Keys.publicKey(hostCa));
        directory.addMachine(new MachineRecord("acme", "web", "m1"));
        MutableClock clock = MutableClock.atWallTime();
        try (Gateway gateway = Gateway.start(GatewayConfig.of(directory, dir.resolve("gateway"), clock).withPort(0)
                .withKeepAlive(Duration.ofSeconds(1)))) {
            Path machineDir = dir.resolve("m1");
            HostKeys.loadOrCreate(machineDir);
            Path cert = Keys.sign(hostCa, Path.of(machineDir.resolve(HostKeys.KEY_FILE) + ".pub"), "-h", "-I", "m1",
                    "-n", "m1.vm.web.internal,web.internal", "-V", "-5m:+1h");
            HostKeys hostKeys = HostKeys.loadOrCreate(machineDir, Optional.of(cert));
            KeyPair hostKeyWithCert = new KeyPair(Keys.certificate(cert), hostKeys.keyPair().getPrivate());
            try (MachineSession m1 = MachineSession.login(gateway.port(), "m1", hostKeyWithCert,
                    OpenSshKeys.parsePublicKey(gateway.hostKeyLine()))) {
                assertThat(m1.forward("m1.vm.web.internal", 22)).isTrue();
                awaitTrue("m1 online", Duration.ofSeconds(20), () -> gateway.onlineMachines().contains("m1"));
                Instant up = clock.instant();
                assertThat(directory.reports).containsExactly(new FakeGatewayDirectory.Report("m1", true, up));

                // within the same minute a keepalive is answered but not written
                clock.advance(Duration.ofSeconds(59));
                keepalive(m1);
                assertThat(directory.reports).hasSize(1);

                clock.advance(Duration.ofSeconds(2));
                keepalive(m1);
                assertThat(directory.reports).containsExactly(new FakeGatewayDirectory.Report("m1", true, up),
                        new FakeGatewayDirectory.Report("m1", true, up.plusSeconds(61)));
                keepalive(m1);
                assertThat(directory.reports).as("throttled again").hasSize(2);
            }
            awaitTrue("m1 offline", Duration.ofSeconds(20), () -> !gateway.onlineMachines().contains("m1"));
            assertThat(directory.reports.get(directory.reports.size() - 1).online()).isFalse();
        }
    }

    /** Sends the agent's keepalive and waits for the gateway's answer, so it was handled when this returns. */
    private static void keepalive(MachineSession m) throws IOException {
        Buffer request = m.session().createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        request.putString("keepalive@openssh.com");
        request.putBoolean(true);
        m.session().request("keepalive@openssh.com", request, Duration.ofSeconds(10));
    }
}
