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
        identity = Identities.fresh(Session.require(p.env("")), "acme", null, "root");
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
    void refusesARevokedHostKeyThoughItsCertificateIsValid() {
        Route r = p.route();
        PublicKey machineKey = OpenSshKeys.parsePublicKey(p.machine.hostCertificate()) instanceof
                org.apache.sshd.common.config.keys.OpenSshCertificate c ? c.getCertPubKey() : null;
        Route revoked = r.withRevokedHostKeys(java.util.List.of(machineKey));
        assertThatThrownBy(() -> MachineConnection.open(revoked, identity, "root", p.clock, TIMEOUT))
                .isInstanceOf(CliException.class).hasMessageContaining("is revoked: it belonged to a removed machine");
        PublicKey other = OpenSshKeys.parsePublicKey(p.machine.userCaPublicKeys().get(0));
        try (MachineConnection ok = MachineConnection.open(r.withRevokedHostKeys(java.util.List.of(other)), identity,
                "root", p.clock, TIMEOUT)) {
            assertThat(ok).as("another revoked key does not matter").isNotNull();
        }
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
        Identities.Owner owner = new Identities.Owner("acme", null, userCa, dev.postern.ssh.RevocationList.empty());
        java.util.List<String> told = new java.util.ArrayList<>();
        UserIdentity held = Identities.held(p.admin.home().resolve(".ssh"), null, "root", owner, p.clock.instant(), told)
                .orElseThrow();
        assertThat(held.source()).endsWith("id_postern");
        assertThat(Identities.held(p.admin.home().resolve(".ssh"), null, "alice", owner, p.clock.instant(), told))
                .isEmpty();
        assertThat(Identities.held(p.admin.home().resolve(".ssh"), null, "root", owner,
                p.clock.instant().plus(Duration.ofMinutes(116)), told)).as("less than 5 minutes left").isEmpty();
        assertThat(told).as("nothing worth telling: the file is merely unfit").isEmpty();
        try (MachineConnection c = MachineConnection.open(p.route(), held, "root", p.clock, TIMEOUT)) {
            assertThat(exec(c, "echo held", "").out).isEqualTo("held\n");
        }
    }

    @Test
    void proxyForwardReachesATcpServiceOnTheMachinesLoopback() throws Exception {
        try (java.net.ServerSocket service = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             MachineConnection c = MachineConnection.open(p.route(), identity, "root", p.clock, TIMEOUT);
             dev.postern.cli.proxy.ProxyCommand.Forward f = dev.postern.cli.proxy.ProxyCommand.Forward.start(
                     c.session(), "127.0.0.1", 0, service.getLocalPort())) {
            Thread server = new Thread(() -> {
                try (java.net.Socket s = service.accept()) {
                    s.getOutputStream().write("hello from the machine\n".getBytes(StandardCharsets.UTF_8));
                } catch (java.io.IOException ignored) {
                    // the assertion below reports it
                }
            });
            server.start();
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", f.localPort())) {
                client.setSoTimeout((int) TIMEOUT.toMillis());
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                assertThat(line).isEqualTo("hello from the machine");
            }
            server.join(TIMEOUT.toMillis());
        }
    }

    @Test
    void sftpPutFindGetOverTheSameConnection() throws Exception {
        java.nio.file.Path src = java.nio.file.Files.createDirectories(tmp.resolve("src/sub"));
        java.nio.file.Files.writeString(src.resolve("a.txt"), "alpha");
        java.nio.file.Files.write(src.getParent().resolve("big.bin"), new byte[300_000]);
        String remote = tmp.resolve("remote").toString();
        try (MachineConnection c = MachineConnection.open(p.route(), identity, "root", p.clock, TIMEOUT);
             org.apache.sshd.sftp.client.SftpClient sftp = org.apache.sshd.sftp.client.SftpClientFactory.instance()
                     .createSftpClient(c.session())) {
            dev.postern.cli.ssh.TransfersAccess t = new dev.postern.cli.ssh.TransfersAccess(sftp);
            t.put(tmp.resolve("src"), remote, true);
            assertThat(t.find(remote)).containsExactly(remote, remote + "/big.bin", remote + "/sub", remote + "/sub/a.txt");
            t.get(remote, tmp.resolve("back"), true);
        }
        assertThat(java.nio.file.Files.readString(tmp.resolve("back/sub/a.txt"))).isEqualTo("alpha");
        assertThat(java.nio.file.Files.size(tmp.resolve("back/big.bin"))).isEqualTo(300_000);
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
