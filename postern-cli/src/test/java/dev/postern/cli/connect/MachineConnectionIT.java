package dev.postern.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.Session;
import dev.postern.cli.server.HostPort;
import dev.postern.ssh.OpenSshKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client half of the connection path, end to end with real peers: MINA client → OpenSSH sshd (gateway
 * stand-in, pinned host key) → direct-tcpip → Postern agent (host certificate checked against the org host CA).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MachineConnectionIT {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    @TempDir
    static java.nio.file.Path tmp;
    StandInPlane p;
    UserIdentity identity;

    @BeforeAll
    void start() throws Exception {
        p = new StandInPlane(tmp);
        identity = Identities.fresh(Session.require(p.env("")), "acme", "root");
    }

    @AfterAll
    void stop() {
        p.close();
    }

    @Test
    void runsACommandAndReturnsItsExitStatus() throws Exception {
        try (MachineConnection c = MachineConnection.open(p.route(), identity, "root", p.clock, TIMEOUT)) {
            assertThat(exec(c, "exit 7", "").status).isEqualTo(7);
            Ran cat = exec(c, "cat", "hi\n");
            assertThat(cat.status).isZero();
            assertThat(cat.out).isEqualTo("hi\n");
        }
    }

    @Test
    void refusesAMachineWhoseCertificateNamesAnother() {
        Route r = p.route();
        Route wrong = new Route(r.gateway(), r.gatewayHostKey(), r.target(), "other.vm.web.internal", r.hostCa());
        assertThatThrownBy(() -> MachineConnection.open(wrong, identity, "root", p.clock, TIMEOUT))
                .isInstanceOf(CliException.class).hasMessageContaining("refusing to talk to other.vm.web.internal")
                .hasMessageContaining("invalid principal other.vm.web.internal");
    }

    @Test
    void refusesACertificateOfAnotherHostCa() throws Exception {
        Route r = p.route();
        PublicKey otherCa = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic();
        Route wrong = new Route(r.gateway(), r.gatewayHostKey(), r.target(), r.machineName(), otherCa);
        assertThatThrownBy(() -> MachineConnection.open(wrong, identity, "root", p.clock, TIMEOUT))
                .isInstanceOf(CliException.class).hasMessageContaining("not by the org's host CA");
    }

    @Test
    void refusesAGatewayWithAnotherHostKey() throws Exception {
        Route r = p.route();
        PublicKey otherKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic();
        Route wrong = new Route(r.gateway(), otherKey, r.target(), r.machineName(), r.hostCa());
        assertThatThrownBy(() -> MachineConnection.open(wrong, identity, "root", p.clock, TIMEOUT))
                .isInstanceOf(CliException.class).hasMessageContaining("the gateway at 127.0.0.1:" + p.gateway.port());
    }

    @Test
    void aStoppedGatewayIsUnreachable() {
        Route r = p.route();
        Route wrong = new Route(new HostPort("127.0.0.1", 1), r.gatewayHostKey(), r.target(), r.machineName(), r.hostCa());
        assertThatThrownBy(() -> MachineConnection.open(wrong, identity, "root", p.clock, TIMEOUT))
                .isInstanceOf(CliException.class).hasMessageContaining("cannot reach the Postern gateway")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    }

    @Test
    void heldDotSshCertificateIsReused() throws Exception {
        p.ok("ssh", "issue", "--dotssh", "--hours", "2");
        PublicKey userCa = OpenSshKeys.parsePublicKey(p.machine.userCaPublicKeys().get(0));
        UserIdentity held = Identities.held(p.admin.home().resolve(".ssh"), "root", userCa, p.clock.instant()).orElseThrow();
        assertThat(held.source()).endsWith("id_postern");
        assertThat(Identities.held(p.admin.home().resolve(".ssh"), "alice", userCa, p.clock.instant())).isEmpty();
        assertThat(Identities.held(p.admin.home().resolve(".ssh"), "root", userCa,
                p.clock.instant().plus(Duration.ofMinutes(116)))).as("less than 5 minutes left").isEmpty();
        try (MachineConnection c = MachineConnection.open(p.route(), held, "root", p.clock, TIMEOUT)) {
            assertThat(exec(c, "echo held", "").out).isEqualTo("held\n");
        }
    }

    record Ran(int status, String out) {
    }

    static Ran exec(MachineConnection c, String command, String stdin) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChannelExec ch = c.session().createExecChannel(command)) {
            ch.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            ch.setOut(out);
            ch.setErr(new ByteArrayOutputStream());
            ch.open().verify(TIMEOUT);
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            return new Ran(ch.getExitStatus() == null ? -1 : ch.getExitStatus(), out.toString(StandardCharsets.UTF_8));
        }
    }
}
