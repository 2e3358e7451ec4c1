package dev.postern.ssh.cipher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.ssh.CertificateAuthenticator;
import dev.postern.ssh.CryptoPolicy;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.ServerLimits;
import dev.postern.ssh.ServerSetup;
import dev.postern.ssh.TrustPolicy;
import dev.postern.testing.OpenSshd;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import dev.postern.testing.SshKeygen;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChaCha20Poly1305} with OpenSSH on the other end, both ways and in both directions of each connection: the
 * stock ssh client sends 4 MiB to our server and reads them back (our cipher decrypts and encrypts), and MINA's
 * client with {@link CryptoPolicy} does the same against Debian's sshd.
 */
class ChaCha20OpenSshIT {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String CHACHA = ChaCha20Poly1305Factory.NAME;
    @TempDir
    Path dir;

    private byte[] payload() {
        byte[] data = new byte[4 << 20];
        new Random(42).nextBytes(data);
        return data;
    }

    @Test
    void opensshClientToOurServer() throws Exception {
        Path ca = dir.resolve("ca");
        Path user = dir.resolve("id");
        SshKeygen.generate(dir, "ca", "ed25519");
        SshKeygen.generate(dir, "id", "ed25519");
        assertThat(Processes.run(T, List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", "k", "-n", "alice",
                "-V", "-5m:+1h", user + ".pub")).exitCode()).isZero();
        TrustPolicy policy = TrustPolicy.fixed(List.of(PublicKeyEntry.parsePublicKeyEntry(
                Files.readString(dir.resolve("ca.pub")).strip()).resolvePublicKey(null, Map.of(), null)),
                Clock.systemUTC());
        HostKeys hostKeys = HostKeys.loadOrCreate(dir.resolve("host"));
        SshServer server = SshServer.setUpDefaultServer();
        ServerSetup.lockDown(server, new CertificateAuthenticator(policy), hostKeys, ServerLimits.defaults());
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setCommandFactory((channel, command) -> new Echo());
        server.start();
        try {
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " " + hostKeys.publicKeyLine() + "\n");
            byte[] data = payload();
            List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "none", "-o", "BatchMode=yes",
                    "-o", "IdentitiesOnly=yes", "-i", user.toString(), "-o", "CertificateFile=" + user + "-cert.pub",
                    "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                    "-o", "GlobalKnownHostsFile=/dev/null", "-c", CHACHA, "-v", "-p",
                    String.valueOf(server.getPort()), "alice@127.0.0.1", "echo"));
            Path out = dir.resolve("out.bin");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(dir.resolve("err.txt").toFile());
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(data);
            }
            assertThat(p.waitFor(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(dir.resolve("err.txt"));
            assertThat(p.exitValue()).as(err).isZero();
            assertThat(err).contains("cipher: " + CHACHA);
            assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(data));
        } finally {
            server.stop(true);
        }
    }

    @Test
    void minaClientWithOurCipherToOpenSshd() throws Exception {
        Path user = dir.resolve("id");
        SshKeygen.generate(dir, "id", "ed25519");
        Path authorized = dir.resolve("authorized_keys");
        Files.copy(dir.resolve("id.pub"), authorized);
        try (OpenSshd sshd = OpenSshd.start(dir.resolve("sshd"), List.of("Ciphers " + CHACHA,
                "AuthorizedKeysFile " + authorized))) {
            SshClient client = SshClient.setUpDefaultClient();
            CryptoPolicy.applyTo(client);
            client.setServerKeyVerifier((session, address, key) -> KeyUtils.compareKeys(key,
                    parse(sshd.hostPublicKeyLine())));
            client.start();
            try (ClientSession session = client.connect(System.getProperty("user.name"), "127.0.0.1", sshd.port())
                    .verify(T).getSession()) {
                KeyPair identity;
                try (InputStream in = Files.newInputStream(user)) {
                    identity = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(user.toString()), in,
                            null).iterator().next();
                }
                session.addPublicKeyIdentity(identity);
                session.auth().verify(T);
                assertThat(session.getNegotiatedKexParameter(KexProposalOption.C2SENC)).isEqualTo(CHACHA);
                assertThat(session.getNegotiatedKexParameter(KexProposalOption.S2CENC)).isEqualTo(CHACHA);
                // ours, not MINA's cipher of the same name
                assertThat(((AbstractSession) session).getCipherInformation(true)).isInstanceOf(ChaCha20Poly1305.class);
                assertThat(((AbstractSession) session).getCipherInformation(false)).isInstanceOf(ChaCha20Poly1305.class);
                byte[] data = payload();
                try (ChannelExec exec = session.createExecChannel("cat")) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    exec.setOut(out);
                    exec.open().verify(T);
                    Thread writer = new Thread(() -> {
                        try (OutputStream in = exec.getInvertedIn()) {
                            in.write(data);
                        } catch (IOException ignored) {
                            // the assertion on what came back reports it
                        }
                    });
                    writer.start();
                    exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), T);
                    writer.join(T.toMillis());
                    assertThat(exec.getExitStatus()).as(sshd.log()).isZero();
                    assertThat(sha256(out.toByteArray())).isEqualTo(sha256(data));
                }
            } finally {
                client.stop();
            }
        }
    }

    private static java.security.PublicKey parse(String line) {
        try {
            return PublicKeyEntry.parsePublicKeyEntry(line.strip()).resolvePublicKey(null, Map.of(), null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Copies the channel's input to its output: every byte crosses the cipher twice. */
    static final class Echo implements Command {
        private InputStream in;
        private OutputStream out;
        private ExitCallback exit;

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(() -> {
                try {
                    in.transferTo(out);
                    out.flush();
                    exit.onExit(0);
                } catch (IOException e) {
                    exit.onExit(1, e.toString());
                }
            }, "echo");
            t.start();
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
