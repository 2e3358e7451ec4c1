package dev.postern.gateway;

import static dev.postern.gateway.GatewayTunnelIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ordinary member, or a compromised machine, logs in again and again and keeps every connection: the limits
 * before login no longer apply, and a logged-in connection may idle for an hour (a machine's as long as it sends
 * keepalives), so nothing stopped it short of the gateway's file descriptors, after which no machine could dial in.
 * The gateway caps the connections each login holds; others still log in, and a closed connection frees its place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginConnectionLimitIT {
    static final int CAP = 3;
    static final Duration T = Duration.ofSeconds(10);
    @TempDir
    static Path dir;
    final FakeGatewayDirectory directory = new FakeGatewayDirectory();
    Gateway gateway;
    Path alice;
    Path bob;
    KeyPair m1;

    @BeforeAll
    void start() throws Exception {
        Path userCa = Keys.keygen(dir, "acme_user_ca");
        Path hostCa = Keys.keygen(dir, "acme_host_ca");
        directory.addOrg("acme", Keys.publicKey(userCa), Keys.publicKey(hostCa));
        directory.addMember("acme", "alice@example.com");
        directory.addMember("acme", "bob@example.com");
        directory.addMachine(new MachineRecord("acme", "web", "m1"));
        gateway = Gateway.start(GatewayConfig.of(directory, dir.resolve("gateway"), Clock.systemUTC()).withPort(0)
                .withConnectionsPerLogin(CAP));
        alice = Keys.keygen(dir, "alice");
        Keys.sign(userCa, Path.of(alice + ".pub"), "-I", "postern:acme:alice@example.com:7", "-n", "root", "-z", "7",
                "-V", "-5m:+1h");
        bob = Keys.keygen(dir, "bob");
        Keys.sign(userCa, Path.of(bob + ".pub"), "-I", "postern:acme:bob@example.com:8", "-n", "bob", "-z", "8",
                "-V", "-5m:+1h");
        Path machineDir = dir.resolve("m1");
        HostKeys.loadOrCreate(machineDir);
        Path cert = Keys.sign(hostCa, Path.of(machineDir.resolve(HostKeys.KEY_FILE) + ".pub"), "-h", "-I", "m1",
                "-n", "m1.vm.web.internal,web.internal", "-V", "-5m:+1h");
        m1 = new KeyPair(Keys.certificate(cert),
                HostKeys.loadOrCreate(machineDir, Optional.of(cert)).keyPair().getPrivate());
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private PublicKey gatewayKey() {
        return OpenSshKeys.parsePublicKey(gateway.hostKeyLine());
    }

    private LiveUserSession person(Path key) throws Exception {
        return LiveUserSession.open(gateway.port(), key, Path.of(key + "-cert.pub"), gatewayKey());
    }

    /**
     * Whether the gateway still serves {@code s}: it answers a channel open (to an app with no machine online). A
     * connection over the cap is disconnected right after login, before any such answer.
     */
    private static boolean answers(LiveUserSession s) throws Exception {
        OpenFuture f = s.session().createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0),
                new SshdSocketAddress("api.internal", 22)).open();
        f.await(T);
        return String.valueOf(f.getException()).contains("no machine of app api is online");
    }

    @Test
    void aMemberHoldsNoMoreThanTheCapOfLoggedInConnections() throws Exception {
        List<LiveUserSession> held = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                held.add(person(alice));
            }
            LiveUserSession extra;
            try {
                extra = person(alice);
                held.add(extra);
                awaitTrue("alice's connection beyond the cap closed", T, () -> !extra.isOpen());
            } catch (Exception e) {
                // MINA's client may see the disconnect before its login call returns: refused all the same
                assertThat(e).hasMessageContaining("too many connections");
            }
            assertThat(held.subList(0, CAP)).allMatch(LiveUserSession::isOpen);
            try (LiveUserSession other = person(bob)) {
                assertThat(answers(other)).as("another member logs in meanwhile").isTrue();
            }
            held.remove(0).close();
            awaitTrue("a closed connection frees its place", T, () -> {
                try {
                    LiveUserSession again = person(alice);
                    held.add(again);
                    return answers(again);
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            held.forEach(LiveUserSession::close);
        }
    }

    @Test
    void aMachineHoldsNoMoreThanTheCapOfLoggedInConnections() throws Exception {
        List<MachineSession> held = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                held.add(MachineSession.login(gateway.port(), "m1", m1, gatewayKey()));
            }
            MachineSession extra;
            try {
                extra = MachineSession.login(gateway.port(), "m1", m1, gatewayKey());
            } catch (Exception e) {
                assertThat(e).hasMessageContaining("too many connections");
                return;
            }
            held.add(extra);
            awaitTrue("m1's connection beyond the cap closed", T, () -> !extra.isOpen());
            assertThat(extra.disconnectMessage()).hasValueSatisfying(m -> assertThat(m)
                    .isEqualTo("too many connections of machine m1 at the gateway (limit " + CAP + "); close some"));
            assertThat(held.subList(0, CAP)).allMatch(MachineSession::isOpen);
        } finally {
            held.forEach(MachineSession::close);
        }
    }
}
