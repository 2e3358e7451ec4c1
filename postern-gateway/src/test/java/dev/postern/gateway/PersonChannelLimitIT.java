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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ordinary member tries to lock everyone out of a machine: connection after connection to the gateway, each
 * with as many {@code direct-tcpip} channels to the machine as a connection may hold, until the machine's tunnel
 * carries no more (and the agent holds that many SSH connections that never log in, which its limits before
 * login do not see: they come over the tunnel, not its listening socket). The gateway caps the channels one
 * person has open over all their connections; another member still gets through, and a closed channel frees
 * its place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PersonChannelLimitIT {
    static final int CAP = 6;
    static final Duration T = Duration.ofSeconds(20);
    static final SshdSocketAddress MACHINE = new SshdSocketAddress("m1.vm.web.internal", 22);
    @TempDir
    static Path dir;
    final FakeGatewayDirectory directory = new FakeGatewayDirectory();
    Gateway gateway;
    Path userCa;
    Path alice;
    Path aliceCert;
    Path bob;
    Path bobCert;
    InProcessSshServer machineServer;
    TunnelClient tunnel;

    @BeforeAll
    void start() throws Exception {
        userCa = Keys.keygen(dir, "acme_user_ca");
        Path hostCa = Keys.keygen(dir, "acme_host_ca");
        directory.addOrg("acme", Keys.publicKey(userCa), Keys.publicKey(hostCa));
        directory.addMember("acme", "alice@example.com");
        directory.addMember("acme", "bob@example.com");
        directory.addMachine(new MachineRecord("acme", "web", "m1"));
        gateway = Gateway.start(GatewayConfig.of(directory, dir.resolve("gateway"), Clock.systemUTC()).withPort(0)
                .withChannelsPerPerson(CAP));
        alice = Keys.keygen(dir, "alice");
        aliceCert = Keys.sign(userCa, Path.of(alice + ".pub"), "-I", "postern:acme:alice@example.com:7", "-n", "root",
                "-z", "7", "-V", "-5m:+1h");
        bob = Keys.keygen(dir, "bob");
        bobCert = Keys.sign(userCa, Path.of(bob + ".pub"), "-I", "postern:acme:bob@example.com:8", "-n", "bob",
                "-z", "8", "-V", "-5m:+1h");

        Path machineDir = dir.resolve("m1");
        HostKeys.loadOrCreate(machineDir);
        Path cert = Keys.sign(hostCa, Path.of(machineDir.resolve(HostKeys.KEY_FILE) + ".pub"), "-h", "-I", "m1",
                "-n", "m1.vm.web.internal,web.internal", "-V", "-5m:+1h");
        HostKeys hostKeys = HostKeys.loadOrCreate(machineDir, Optional.of(cert));
        SshServer agentServer = SshServer.setUpDefaultServer();
        ServerSetup.lockDown(agentServer, new CertificateAuthenticator(
                TrustPolicy.fixed(List.of(Keys.publicKey(userCa)), Clock.systemUTC())), hostKeys);
        machineServer = InProcessSshServer.of(agentServer);
        tunnel = TunnelClient.start(new TunnelConfig("127.0.0.1", gateway.port(), "m1", "web", hostKeys.keyPair(),
                Keys.certificate(cert), GatewayTrust.pinned(OpenSshKeys.parsePublicKey(gateway.hostKeyLine())),
                Duration.ofSeconds(2), new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), Clock.systemUTC()),
                machineServer);
        awaitTrue("m1 online", T, () -> tunnel.isOnline());
    }

    @AfterAll
    void stop() throws Exception {
        if (tunnel != null) {
            tunnel.close();
        }
        if (machineServer != null) {
            machineServer.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void oneMemberCannotHoldMoreThanTheirShareOfAMachinesChannelsOverManyConnections() throws Exception {
        List<LiveUserSession> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                connections.add(LiveUserSession.open(gateway.port(), alice, aliceCert, gatewayKey()));
            }
            // fewer per connection than the per-connection limit (10): only a limit per person can stop this
            List<ChannelDirectTcpip> held = new ArrayList<>();
            for (int i = 0; i < CAP; i++) {
                ChannelDirectTcpip channel = open(connections.get(i % 2));
                assertThat(opened(channel)).as("alice's channel %d", i + 1).isNull();
                held.add(channel);
            }
            ChannelDirectTcpip extra = open(connections.get(2));
            assertThat(opened(extra)).as("alice's channel beyond the cap, on a fresh connection")
                    .contains("too many channels open through the gateway for alice@example.com (limit " + CAP + ")");
            assertThat(connections).allMatch(LiveUserSession::isOpen);

            try (LiveUserSession other = LiveUserSession.open(gateway.port(), bob, bobCert, gatewayKey())) {
                ChannelDirectTcpip bobs = open(other);
                assertThat(opened(bobs)).as("another member reaches the machine meanwhile").isNull();
                bobs.close(true);
            }

            held.remove(0).close(false);
            awaitTrue("a closed channel frees its place", T, () -> {
                try {
                    ChannelDirectTcpip again = open(connections.get(2));
                    if (opened(again) == null) {
                        held.add(again);
                        return true;
                    }
                    return false;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            connections.forEach(LiveUserSession::close);
        }
    }

    private java.security.PublicKey gatewayKey() {
        return OpenSshKeys.parsePublicKey(gateway.hostKeyLine());
    }

    private static ChannelDirectTcpip open(LiveUserSession connection) throws Exception {
        return connection.session().createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0), MACHINE);
    }

    /** Opens {@code channel}; null when it opened, else why not. */
    private static String opened(ChannelDirectTcpip channel) throws Exception {
        OpenFuture f = channel.open();
        assertThat(f.await(T)).as("an answer to the channel open").isTrue();
        return f.isOpened() ? null : String.valueOf(f.getException());
    }
}
