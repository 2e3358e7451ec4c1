package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.testing.ProcessResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MINA's own client, with {@link CryptoPolicy} applied, logs in with a certificate: MINA clients use a
 * certificate when the identity's public half is the {@link OpenSshCertificate} and the private half is the
 * certified key's private key ({@code new KeyPair(cert, privateKey)}). Also: per-connection limits.
 */
class MinaClientIT {
    private static final Duration T = Duration.ofSeconds(20);
    @TempDir
    Path dir;
    TestCa ca;
    Path userKey;
    Path cert;
    TestServer server;
    SshClient client;

    @BeforeEach
    void start() {
        ca = new TestCa(dir, "ca");
        userKey = ca.newUserKey("alice");
        cert = ca.sign(userKey, "alice", "-n", "alice", "-z", "3");
        TrustPolicy policy = TrustPolicy.fixed(List.of(ca.caPublicKey()), Clock.systemUTC());
        server = new TestServer(new CertificateAuthenticator(policy), HostKeys.loadOrCreate(dir.resolve("host")),
                new ServerLimits(10, 2, Duration.ofSeconds(30), Duration.ofHours(1)));
        client = SshClient.setUpDefaultClient();
        CryptoPolicy.applyTo(client);
        // Trust exactly this server's host key.
        client.setServerKeyVerifier((session, address, key) -> KeyUtils.compareKeys(key, server.hostKeys.publicKey()));
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.close();
    }

    private KeyPair certIdentity() throws Exception {
        KeyPair plain;
        try (InputStream in = Files.newInputStream(userKey)) {
            plain = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(userKey.toString()), in, null)
                    .iterator().next();
        }
        return new KeyPair(TestCa.read(cert), plain.getPrivate());
    }

    private ClientSession connect() throws Exception {
        return client.connect("alice", "127.0.0.1", server.port()).verify(T).getSession();
    }

    @Test
    void minaClientLogsInWithACertificate() throws Exception {
        try (ClientSession session = connect()) {
            session.addPublicKeyIdentity(certIdentity());
            session.auth().verify(T);
            assertThat(session.executeRemoteCommand("anything")).isEqualTo("ok\n");
            assertThat(session.getServerVersion()).isEqualTo("SSH-2.0-Postern");
            assertThat(session.getNegotiatedKexParameter(org.apache.sshd.common.kex.KexProposalOption.ALGORITHMS))
                    .isEqualTo(CryptoPolicy.keyExchangeNames().get(0));
        }
    }

    @Test
    void minaClientWithThePlainKeyIsRefused() throws Exception {
        try (ClientSession session = connect()) {
            KeyPair id = certIdentity();
            session.addPublicKeyIdentity(new KeyPair(((OpenSshCertificate) id.getPublic()).getCertPubKey(),
                    id.getPrivate()));
            assertThatThrownBy(() -> session.auth().verify(T)).hasMessageContaining("No more authentication methods");
        }
    }

    @Test
    void channelsPerConnectionAreBounded() throws Exception {
        try (ClientSession session = connect()) {
            session.addPublicKeyIdentity(certIdentity());
            session.auth().verify(T);
            List<ClientChannel> open = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ClientChannel ch = session.createShellChannel();
                ch.open().verify(T);
                open.add(ch);
            }
            ClientChannel third = session.createShellChannel();
            assertThatThrownBy(() -> third.open().verify(T)).hasMessageContaining("too many channels");
            // The refusal is per channel: the connection and its other channels live on.
            assertThat(session.isOpen()).isTrue();
            assertThat(open).allMatch(ClientChannel::isOpen);
            open.get(0).close(false).await(T);
            ClientChannel again = session.createShellChannel();
            again.open().verify(T);
            again.close(true);
        }
    }

    @Test
    void authAttemptsPerConnectionAreBounded() {
        LogCapture log = new LogCapture(CertificateAuthenticator.class);
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            opts.addAll(List.of("-i", ca.newUserKey("k" + i).toString()));
        }
        Path knownHosts = OpenSsh.knownHosts(dir, server.knownHostsLine());
        ProcessResult r = OpenSsh.ssh(server.port(), "alice", knownHosts, opts);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stderr()).contains("Received disconnect");
        // 12 keys offered; the server closed the connection after 10 counted requests.
        assertThat(log.lines().size()).isBetween(1, 10);
        log.close();
    }
}
