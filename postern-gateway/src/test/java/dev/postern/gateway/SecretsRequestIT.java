package dev.postern.gateway;

import static dev.postern.gateway.GatewayTunnelIT.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.tunnel.GatewayTrust;
import dev.postern.agent.tunnel.TunnelClient;
import dev.postern.agent.tunnel.TunnelConfig;
import dev.postern.agent.tunnel.TunnelSecrets;
import dev.postern.agent.tunnel.Backoff;
import dev.postern.ssh.CertificateAuthenticator;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.InProcessSshServer;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.ServerSetup;
import dev.postern.ssh.TrustPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code secrets@postern.dev}: the gateway hands an app's deployed secrets only to that app's machines, only over
 * the connection that is the machine's live tunnel, and never to a person's connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsRequestIT {
    @TempDir
    static Path dir;
    final FakeGatewayDirectory directory = new FakeGatewayDirectory();
    Path userCa;
    Path hostCa;
    Gateway gateway;

    @BeforeAll
    void start() throws Exception {
        userCa = Keys.keygen(dir, "acme_user_ca");
        hostCa = Keys.keygen(dir, "acme_host_ca");
        directory.addOrg("acme", Keys.publicKey(userCa), Keys.publicKey(hostCa));
        directory.addMember("acme", "alice@example.com");
        directory.addMachine(new MachineRecord("acme", "web", "m1"));
        directory.addMachine(new MachineRecord("acme", "web", "m2"));
        directory.secrets.put("acme/web", new DeployedSecrets(3, Map.of("DB_PASSWORD", "web-secret")));
        directory.secrets.put("acme/api", new DeployedSecrets(5, Map.of("API_KEY", "api-secret")));
        gateway = Gateway.start(GatewayConfig.of(directory, dir.resolve("gateway"), Clock.systemUTC()).withPort(0));
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aPersonsConnectionGetsNoSecrets() throws Exception {
        Path alice = Keys.keygen(dir, "alice");
        Path cert = Keys.sign(userCa, Path.of(alice + ".pub"), "-I", "postern:acme:alice@example.com:7", "-n", "root",
                "-z", "7", "-V", "-5m:+1h");
        try (LiveUserSession person = LiveUserSession.open(gateway.port(), alice, cert,
                OpenSshKeys.parsePublicKey(gateway.hostKeyLine()))) {
            Buffer request = person.session().createBuffer(org.apache.sshd.common.SshConstants.SSH_MSG_GLOBAL_REQUEST);
            request.putString("secrets@postern.dev");
            request.putBoolean(true);
            assertThat(person.session().request("secrets@postern.dev", request, Duration.ofSeconds(10))).isNull();
        }
    }

    @Test
    void aMachineGetsOnlyItsOwnAppsSecretsAndOnlyOverItsLiveTunnel() throws Exception {
        KeyPair m1 = machineKey("m1");
        try (MachineSession session = MachineSession.login(gateway.port(), "m1", m1,
                OpenSshKeys.parsePublicKey(gateway.hostKeyLine()))) {
            assertThat(session.globalRequest("secrets@postern.dev")).as("before its tunnel is up").isNull();
            assertThat(session.forward("m1.vm.web.internal", 22)).isTrue();
            Buffer reply = session.globalRequest("secrets@postern.dev");
            assertThat(reply).isNotNull();
            assertThat(reply.getLong()).isEqualTo(3);
            Map<String, String> values = new HashMap<>();
            for (long n = reply.getUInt(); n > 0; n--) {
                values.put(reply.getString(), new String(reply.getBytes(), StandardCharsets.UTF_8));
            }
            assertThat(values).isEqualTo(Map.of("DB_PASSWORD", "web-secret"));
        }
    }

    @Test
    void theAgentsTunnelClientGetsTheSecretsAtStartAndAgainAfterADeploy() throws Exception {
        KeyPair m2 = machineKey("m2");
        HostKeys hostKeys = HostKeys.loadOrCreate(dir.resolve("m2"));
        SshServer agentServer = SshServer.setUpDefaultServer();
        ServerSetup.lockDown(agentServer, new CertificateAuthenticator(
                TrustPolicy.fixed(List.of(Keys.publicKey(userCa)), Clock.systemUTC())), hostKeys);
        List<TunnelSecrets> received = new CopyOnWriteArrayList<>();
        try (InProcessSshServer server = InProcessSshServer.of(agentServer);
             TunnelClient tunnel = TunnelClient.start(new TunnelConfig("127.0.0.1", gateway.port(), "m2", "web",
                     hostKeys.keyPair(), (org.apache.sshd.common.config.keys.OpenSshCertificate) m2.getPublic(),
                     GatewayTrust.pinned(OpenSshKeys.parsePublicKey(gateway.hostKeyLine())), Duration.ofSeconds(5),
                     new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), Clock.systemUTC()), server,
                     () -> { }, received::add)) {
            awaitTrue("secrets at tunnel start", Duration.ofSeconds(20), () -> !received.isEmpty());
            assertThat(received.get(0).version()).isEqualTo(3);
            assertThat(received.get(0).values()).isEqualTo(Map.of("DB_PASSWORD", "web-secret"));
            assertThat(received.get(0).toString()).doesNotContain("web-secret");
            directory.secrets.put("acme/web", new DeployedSecrets(4, Map.of("DB_PASSWORD", "rotated")));
            assertThat(gateway.secretsChanged("acme", "web")).isGreaterThanOrEqualTo(1);
            awaitTrue("secrets after the deploy", Duration.ofSeconds(10),
                    () -> received.stream().anyMatch(s -> s.version() == 4));
            assertThat(received.get(received.size() - 1).values()).isEqualTo(Map.of("DB_PASSWORD", "rotated"));
        } finally {
            directory.secrets.put("acme/web", new DeployedSecrets(3, Map.of("DB_PASSWORD", "web-secret")));
        }
    }

    /** The machine's host key with a host certificate of the org's host CA. */
    private KeyPair machineKey(String id) throws Exception {
        Path machineDir = dir.resolve(id);
        HostKeys.loadOrCreate(machineDir);
        Path cert = Keys.sign(hostCa, Path.of(machineDir.resolve(HostKeys.KEY_FILE) + ".pub"), "-h", "-I", id,
                "-n", id + ".vm.web.internal,web.internal", "-V", "-5m:+1h");
        HostKeys hostKeys = HostKeys.loadOrCreate(machineDir, Optional.of(cert));
        return new KeyPair(Keys.certificate(cert), hostKeys.keyPair().getPrivate());
    }
}
