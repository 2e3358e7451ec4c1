package dev.postern.gateway;

import static dev.postern.gateway.GatewayTunnelIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compromised machine: it holds its own host key and host certificate and speaks raw SSH to the gateway (MINA's
 * client), sending what the agent never would. It may be its own tunnel and nothing more.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompromisedMachineIT {
    static final Duration T = Duration.ofSeconds(10);
    @TempDir
    static Path dir;
    final FakeGatewayDirectory directory = new FakeGatewayDirectory();
    Gateway gateway;
    KeyPair m5;
    KeyPair m6;

    @BeforeAll
    void start() throws Exception {
        Path userCa = Keys.keygen(dir, "acme_user_ca");
        Path hostCa = Keys.keygen(dir, "acme_host_ca");
        directory.addOrg("acme", Keys.publicKey(userCa), Keys.publicKey(hostCa));
        directory.addMachine(new MachineRecord("acme", "web", "m5"));
        directory.addMachine(new MachineRecord("acme", "web", "m6"));
        gateway = Gateway.start(GatewayConfig.of(directory, dir.resolve("gateway"), Clock.systemUTC()).withPort(0));
        m5 = machineKey(hostCa, "m5");
        m6 = machineKey(hostCa, "m6");
    }

    private static KeyPair machineKey(Path hostCa, String id) throws IOException {
        Path machineDir = dir.resolve(id);
        HostKeys plain = HostKeys.loadOrCreate(machineDir);
        Path cert = Keys.sign(hostCa, Path.of(machineDir.resolve(HostKeys.KEY_FILE) + ".pub"), "-h", "-I", id,
                "-n", id + ".vm.web.internal,web.internal", "-V", "-5m:+1h");
        return new KeyPair(Keys.certificate(cert), HostKeys.loadOrCreate(machineDir, Optional.of(cert)).keyPair()
                .getPrivate());
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

    /**
     * The machine repeats its own tcpip-forward thousands of times on its tunnel: each one used to be a new
     * "online" write to the control plane's store and one more close listener kept on the connection.
     */
    @Test
    void repeatingItsOwnForwardChangesNothingAndWritesNothingAgain() throws Exception {
        try (MachineSession machine = MachineSession.login(gateway.port(), "m5", m5, gatewayKey())) {
            assertThat(machine.forward("m5.vm.web.internal", 22)).isTrue();
            for (int i = 0; i < 200; i++) {
                assertThat(machine.forward("m5.vm.web.internal", 22)).as("repeat %d", i).isTrue();
            }
            assertThat(gateway.onlineMachines()).contains("m5");
            assertThat(directory.events().stream().filter(e -> e.machineId().equals("m5") && e.online()))
                    .as("online writes to the directory").hasSize(1);
        }
        awaitTrue("m5 offline", T, () -> !gateway.onlineMachines().contains("m5"));
    }

    /** Wildcards, an empty address, port 0, another machine's name in other case: all refused, nothing bound. */
    @Test
    void itCannotForwardAWildcardAnotherNameOrAnotherPort() throws Exception {
        try (MachineSession machine = MachineSession.login(gateway.port(), "m6", m6, gatewayKey())) {
            for (String host : new String[] {"", "0.0.0.0", "::", "*", "localhost", "web.internal",
                "M5.VM.WEB.INTERNAL", "m6.vm.web.internal.", "m6.vm.other.internal"}) {
                assertThat(machine.forward(host, 22)).as("forward %s:22", host).isFalse();
            }
            assertThat(machine.forward("m6.vm.web.internal", 0)).isFalse();
            assertThat(machine.forward("m6.vm.web.internal", 2222)).isFalse();
            assertThat(gateway.onlineMachines()).doesNotContain("m5", "m6");
            assertThat(machine.isOpen()).isTrue();
        }
    }

    /**
     * Channels from the machine toward the gateway: direct-tcpip to another machine, a session (shell), and a forged
     * forwarded-tcpip as if the gateway were the machine. All refused; the connection stays up.
     */
    @Test
    void itOpensNoChannelsAtTheGateway() throws Exception {
        try (MachineSession machine = MachineSession.login(gateway.port(), "m6", m6, gatewayKey())) {
            assertThat(machine.forward("m6.vm.web.internal", 22)).isTrue();
            ClientSession s = machine.session();
            assertRefused(s.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress("m6.vm.web.internal", 22)));
            assertRefused(s.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress("web.internal", 22)));
            assertRefused(s.createShellChannel());
            assertRefused(s.createExecChannel("id"));
            ForgedForwardedTcpip forged = new ForgedForwardedTcpip();
            s.getService(org.apache.sshd.common.session.ConnectionService.class).registerChannel(forged);
            assertRefused(forged);
            assertThat(machine.isOpen()).isTrue();
            assertThat(gateway.onlineMachines()).contains("m6");
        }
    }

    /** Global requests the gateway sends to machines, or that mean something elsewhere, sent by the machine. */
    @Test
    void itsGlobalRequestsOtherThanItsForwardAreRefused() throws Exception {
        try (MachineSession machine = MachineSession.login(gateway.port(), "m6", m6, gatewayKey())) {
            ClientSession s = machine.session();
            for (String name : new String[] {Gateway.REVOCATIONS_CHANGED, "streamlocal-forward@openssh.com",
                "hostkeys-prove-00@openssh.com"}) {
                Buffer b = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
                b.putString(name);
                b.putBoolean(true);
                b.putString("m5.vm.web.internal");
                b.putUInt(22);
                assertThat(s.request(name, b, T)).as(name).isNull();
            }
            assertThat(machine.isOpen()).isTrue();
            assertThat(gateway.onlineMachines()).doesNotContain("m5");
        }
    }

    private static void assertRefused(ClientChannel channel) throws IOException {
        OpenFuture f = channel.open();
        assertThat(f.await(T)).as("an answer to %s", channel).isTrue();
        assertThat(f.isOpened()).as("%s opened", channel).isFalse();
    }

    /** A forwarded-tcpip open (RFC 4254 section 7.2) sent by the machine, naming another machine. */
    static final class ForgedForwardedTcpip extends AbstractClientChannel {
        ForgedForwardedTcpip() {
            super("forwarded-tcpip");
        }

        @Override
        public synchronized OpenFuture open() throws IOException {
            openFuture = new DefaultOpenFuture(toString(), futureLock);
            Buffer b = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, 128);
            b.putString("forwarded-tcpip");
            b.putUInt(getChannelId());
            b.putUInt(getLocalWindow().getSize());
            b.putUInt(getLocalWindow().getPacketSize());
            b.putString("m5.vm.web.internal");
            b.putUInt(22);
            b.putString("127.0.0.1");
            b.putUInt(4242);
            writePacket(b);
            return openFuture;
        }

        @Override
        protected void doOpen() {
        }

        @Override
        protected void doWriteExtendedData(byte[] data, int off, long len) {
            throw new UnsupportedOperationException();
        }
    }
}
