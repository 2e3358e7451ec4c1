package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.channel.IoWriteFutureImpl;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SshServer that is never started serves a session over a plain byte stream. The stream here is a socket the
 * test itself accepts and pumps (standing in for any carrier, e.g. a tunnel channel); MINA's SshClient is the peer.
 */
class InProcessSshServerIT {
    static final Duration T = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    SshServer server;
    InProcessSshServer inProcess;
    SshClient client;
    ServerSocket carrier;
    TestCa ca;
    Path userKey;
    Path cert;

    @BeforeEach
    void start() throws IOException {
        ca = new TestCa(dir, "ca");
        userKey = ca.newUserKey("alice");
        cert = ca.sign(userKey, "alice", "-n", "alice");
        server = SshServer.setUpDefaultServer();
        HostKeys hostKeys = HostKeys.loadOrCreate(dir.resolve("host"));
        ServerSetup.lockDown(server, new CertificateAuthenticator(TrustPolicy.fixed(List.of(ca.caPublicKey()),
                Clock.systemUTC())), hostKeys);
        server.setCommandFactory((channel, command) -> new TestServer.OkCommand());
        inProcess = InProcessSshServer.of(server);
        client = SshClient.setUpDefaultClient();
        CryptoPolicy.applyTo(client);
        client.setServerKeyVerifier((session, address, key) -> KeyUtils.compareKeys(key, hostKeys.publicKey()));
        client.start();
        carrier = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        client.stop();
        inProcess.close();
        carrier.close();
    }

    /** Accepts one connection and pumps its bytes into and out of an in-process session. */
    private Thread pump(AtomicReference<StreamIoSession> sessionRef) {
        Thread t = new Thread(() -> {
            try (Socket s = carrier.accept()) {
                OutputStream out = s.getOutputStream();
                StreamIoSession session = inProcess.open(s.getLocalSocketAddress(), s.getRemoteSocketAddress(),
                        new StreamIoSession.Output() {
                            @Override
                            public synchronized IoWriteFuture write(Buffer b) throws IOException {
                                out.write(b.array(), b.rpos(), b.available());
                                out.flush();
                                IoWriteFutureImpl f = new IoWriteFutureImpl("test", b);
                                f.setValue(Boolean.TRUE);
                                return f;
                            }

                            @Override
                            public void close() {
                                try {
                                    s.close();
                                } catch (IOException ignored) {
                                    // already closed
                                }
                            }
                        });
                sessionRef.set(session);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    session.receive(buf, 0, n);
                }
                session.close(false);
            } catch (IOException e) {
                // the client went away
            }
        }, "carrier-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void unstartedServerServesASessionOverAStream() throws Exception {
        AtomicReference<StreamIoSession> ref = new AtomicReference<>();
        Thread pump = pump(ref);
        KeyPair plain;
        try (InputStream in = Files.newInputStream(userKey)) {
            plain = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(userKey.toString()), in, null)
                    .iterator().next();
        }
        try (ClientSession session = client.connect("alice", "127.0.0.1", carrier.getLocalPort()).verify(T)
                .getSession()) {
            session.addPublicKeyIdentity(new KeyPair(TestCa.read(cert), plain.getPrivate()));
            session.auth().verify(T);
            assertThat(session.executeRemoteCommand("anything")).isEqualTo("ok\n");
            assertThat(session.getServerVersion()).isEqualTo("SSH-2.0-Postern");
            assertThat(inProcess.openSessions()).isEqualTo(1);
        }
        pump.join(T.toMillis());
        assertThat(pump.isAlive()).isFalse();
        assertThat(server.isStarted()).as("the server never listened").isFalse();
        assertThat(ref.get().isClosed()).isTrue();
        assertThat(inProcess.openSessions()).isZero();
    }

    @Test
    void configurationMissingHostKeysIsNamed() {
        SshServer bare = SshServer.setUpDefaultServer();
        bare.setKeyPairProvider(null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InProcessSshServer.of(bare))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no host key");
    }
}
