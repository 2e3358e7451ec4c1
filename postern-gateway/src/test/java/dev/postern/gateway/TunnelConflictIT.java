package dev.postern.gateway;

import static dev.postern.gateway.GatewayTunnelIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.tunnel.Backoff;
import dev.postern.agent.tunnel.GatewayTrust;
import dev.postern.agent.tunnel.TunnelClient;
import dev.postern.agent.tunnel.TunnelConfig;
import dev.postern.ssh.CertificateAuthenticator;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.InProcessSshServer;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.ServerSetup;
import dev.postern.ssh.TrustPolicy;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second tunnel for a machine whose tunnel is up ("last connect wins" was the hole): the gateway probes the live
 * tunnel and refuses the newcomer while it answers, and replaces it only once it stays silent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelConflictIT {
    static final Duration PROBE = GatewayConfig.DEFAULT_TUNNEL_PROBE_TIMEOUT;
    @TempDir
    static Path dir;
    final FakeGatewayDirectory directory = new FakeGatewayDirectory();
    Path userCa;
    Path hostCa;
    Gateway gateway;
    Path alice;
    Path aliceCert;
    Path knownHosts;

    /** A machine as the agent runs it: host key and certificate, an in-process SSH server, a tunnel client. */
    final class Machine implements AutoCloseable {
        final String id;
        final KeyPair hostKeyWithCert;
        final InProcessSshServer server;
        final TunnelClient tunnel;

        Machine(String id, int gatewayPort) throws IOException {
            this.id = id;
            Path machineDir = dir.resolve(id);
            HostKeys.loadOrCreate(machineDir);
            Path cert = Keys.sign(hostCa, Path.of(machineDir.resolve(HostKeys.KEY_FILE) + ".pub"), "-h", "-I", id,
                    "-n", id + ".vm.web.internal,web.internal", "-V", "-5m:+1h");
            HostKeys hostKeys = HostKeys.loadOrCreate(machineDir, Optional.of(cert));
            hostKeyWithCert = new KeyPair(Keys.certificate(cert), hostKeys.keyPair().getPrivate());
            SshServer agentServer = SshServer.setUpDefaultServer();
            ServerSetup.lockDown(agentServer, new CertificateAuthenticator(
                    TrustPolicy.fixed(List.of(Keys.publicKey(userCa)), Clock.systemUTC())), hostKeys);
            agentServer.setCommandFactory((channel, command) -> new EchoCommand(command));
            server = InProcessSshServer.of(agentServer);
            // keepalive every 2 s: a frozen connection is given up after three unanswered ones
            tunnel = TunnelClient.start(new TunnelConfig("127.0.0.1", gatewayPort, id, "web", hostKeys.keyPair(),
                    Keys.certificate(cert), GatewayTrust.pinned(OpenSshKeys.parsePublicKey(gateway.hostKeyLine())),
                    Duration.ofSeconds(2), new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
                    Clock.systemUTC()), server);
        }

        @Override
        public void close() throws Exception {
            tunnel.close();
            server.close();
        }
    }

    @BeforeAll
    void start() throws Exception {
        userCa = Keys.keygen(dir, "acme_user_ca");
        hostCa = Keys.keygen(dir, "acme_host_ca");
        directory.addOrg("acme", Keys.publicKey(userCa), Keys.publicKey(hostCa));
        directory.addMember("acme", "alice@example.com");
        directory.addMachine(new MachineRecord("acme", "web", "m1"));
        directory.addMachine(new MachineRecord("acme", "web", "m4"));
        // keepalive 10 s: the gateway's own idle timeout for machines (30 s) stays out of the way of the probe
        gateway = Gateway.start(GatewayConfig.of(directory, dir.resolve("gateway"), Clock.systemUTC()).withPort(0)
                .withKeepAlive(Duration.ofSeconds(10)).withTunnelProbeTimeout(PROBE));
        alice = Keys.keygen(dir, "alice");
        aliceCert = Keys.sign(userCa, Path.of(alice + ".pub"), "-I", "postern:acme:alice@example.com:7", "-n", "root",
                "-z", "7", "-V", "-5m:+1h");
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + gateway.port() + " " + gateway.hostKeyLine() + "\n"
                + "@cert-authority *.internal " + Files.readString(Path.of(hostCa + ".pub")).strip() + "\n");
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** A copy of m1's data dir logs in from elsewhere while m1 is up: refused, and people still reach m1. */
    @Test
    void aCopyOfAMachinesIdentityCannotTakeOverItsLiveTunnel() throws Exception {
        try (Machine m1 = new Machine("m1", gateway.port())) {
            awaitTrue("m1 online", Duration.ofSeconds(20), () -> m1.tunnel.isOnline());
            long refused = gateway.tunnelConflicts(TunnelConflict.REFUSED);
            long replaced = gateway.tunnelConflicts(TunnelConflict.REPLACED);
            try (MachineSession thief = MachineSession.login(gateway.port(), "m1", m1.hostKeyWithCert,
                    OpenSshKeys.parsePublicKey(gateway.hostKeyLine()))) {
                boolean accepted;
                try {
                    accepted = thief.forward("m1.vm.web.internal", 22);
                } catch (IOException e) {
                    // MINA's client may see the disconnect that follows the failure reply before it returns
                    assertThat(e).hasMessageContaining("closed or closing while awaiting reply");
                    accepted = false;
                }
                assertThat(accepted).as("the thief's tcpip-forward").isFalse();
                awaitTrue("thief disconnected", Duration.ofSeconds(10), () -> !thief.isOpen());
                assertThat(thief.disconnectMessage()).hasValueSatisfying(m ->
                        assertThat(m).startsWith("machine m1 already has a live tunnel from 127.0.0.1:"));
            }
            assertThat(gateway.tunnelConflicts(TunnelConflict.REFUSED)).isEqualTo(refused + 1);
            assertThat(gateway.tunnelConflicts(TunnelConflict.REPLACED)).isEqualTo(replaced);
            assertThat(m1.tunnel.isOnline()).as("the machine's own tunnel").isTrue();
            // The thief's client takes no forwarded-tcpip channels: a connection routed to it would fail.
            for (int i = 0; i < 3; i++) {
                ProcessResult r = ssh("m1.vm.web.internal", "echo from-m1");
                assertThat(r.exitCode()).as(r.toString()).isZero();
                assertThat(r.stdout()).isEqualTo("from-m1\n");
            }
        }
    }

    /**
     * m4's network vanishes without a reset (its connection through the proxy is frozen): the agent gives up on it
     * and dials again; the gateway still holds the old connection, probes it, hears nothing within the probe
     * timeout, closes it and takes the new one.
     */
    @Test
    void anAgentWhoseConnectionDiedSilentlyTakesOverAfterTheProbeTimesOut() throws Exception {
        try (FreezableProxy network = new FreezableProxy(gateway.port());
             Machine m4 = new Machine("m4", network.port())) {
            awaitTrue("m4 online", Duration.ofSeconds(20), () -> gateway.onlineMachines().contains("m4"));
            assertThat(ssh("m4.vm.web.internal", "echo before").stdout()).isEqualTo("before\n");
            long refused = gateway.tunnelConflicts(TunnelConflict.REFUSED);
            long replaced = gateway.tunnelConflicts(TunnelConflict.REPLACED);
            assertThat(network.connections()).isEqualTo(1);

            network.freezeAll();
            awaitTrue("the agent dialled again", Duration.ofSeconds(30), () -> network.connections() >= 2);
            awaitTrue("the silent tunnel replaced", Duration.ofSeconds(20),
                    () -> gateway.tunnelConflicts(TunnelConflict.REPLACED) == replaced + 1);
            awaitTrue("the gateway closed the silent connection", Duration.ofSeconds(10),
                    () -> network.closedByTargetWhileFrozen(0));
            awaitTrue("m4 back online", Duration.ofSeconds(10), () -> m4.tunnel.isOnline());
            assertThat(gateway.tunnelConflicts(TunnelConflict.REFUSED)).isEqualTo(refused);
            ProcessResult r = ssh("m4.vm.web.internal", "echo after");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("after\n");
        }
    }

    ProcessResult ssh(String host, String command) throws IOException {
        String common = "  IdentityFile " + alice + "\n  CertificateFile " + aliceCert + "\n  IdentitiesOnly yes\n"
                + "  UserKnownHostsFile " + knownHosts + "\n  GlobalKnownHostsFile /dev/null\n"
                + "  StrictHostKeyChecking yes\n  BatchMode yes\n  ConnectTimeout 10\n";
        Path config = Files.createTempFile(dir, "ssh_config", "");
        Files.writeString(config, "Host gw\n  HostName 127.0.0.1\n  Port " + gateway.port() + "\n  User anyone\n"
                + common + "Host *.internal\n  ProxyJump gw\n  User root\n" + common);
        return Processes.run(Duration.ofSeconds(40), List.of("ssh", "-F", config.toString(), host, command));
    }
}
