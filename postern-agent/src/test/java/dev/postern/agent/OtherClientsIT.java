package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postern.agent.session.Accounts;
import dev.postern.testing.Paramiko;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independently written clients against the real agent: paramiko 2.x (Debian 12's; it has no AEAD cipher) and
 * PuTTY's plink (its own channel requests must not be logged as warnings).
 */
class OtherClientsIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;

    @BeforeAll
    static void start() {
        fx = new AgentFixture(dir, Accounts.system());
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void paramikoExecAndSftpWorkWithACtrCipher() throws Exception {
        assumeTrue(Paramiko.installed(), "python3-paramiko is not installed (scripts/test installs it)");
        Path local = dir.resolve("up.txt");
        Files.writeString(local, "from paramiko\n");
        Paramiko client = new Paramiko(dir).login("root", fx.userKey, fx.cert("root"), fx.knownHosts);

        ProcessResult r = client.run("127.0.0.1", fx.agent.port(), "exec", "echo hello-$((6*7)); exit 7",
                "put", local.toString(), dir.resolve("remote.txt").toString(),
                "get", dir.resolve("remote.txt").toString(), dir.resolve("back.txt").toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("hello-42\n");
        // paramiko 2.x knows no AEAD cipher: this is the CTR cipher the agent offers after them, with an ETM MAC
        assertThat(r.stderr()).contains("cipher=aes128-ctr");
        assertThat(Files.readString(dir.resolve("back.txt"))).isEqualTo("from paramiko\n");
    }

    @Test
    void paramikoIsRefusedWithoutACertificateTheAgentTrusts() throws Exception {
        assumeTrue(Paramiko.installed(), "python3-paramiko is not installed (scripts/test installs it)");
        Path otherCa = dir.resolve("other_ca");
        AgentFixture.keygen(otherCa);
        ProcessResult r = new Paramiko(dir).login("root", fx.userKey, fx.cert(otherCa, "root"), fx.knownHosts)
                .run("127.0.0.1", fx.agent.port(), "exec", "true");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("AuthenticationException");
    }

    @Test
    void plinkRunsACommandWithItsCertificateAndNoWarningIsLogged() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/plink")), "putty-tools is not installed (scripts/test installs it)");
        Path ppk = dir.resolve("id_user.ppk");
        ProcessResult conv = Processes.run(AgentFixture.TIMEOUT, List.of("puttygen", fx.userKey.toString(), "-O",
                "private", "-o", ppk.toString()));
        assertThat(conv.exitCode()).as(conv.toString()).isZero();
        String fingerprint = Processes.run(AgentFixture.TIMEOUT, List.of("ssh-keygen", "-l", "-E", "sha256", "-f",
                dir.resolve("data").resolve("ssh_host_ed25519_key.pub").toString())).stdout().split(" ")[1];
        try (LogCapture all = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            ProcessResult r = Processes.run(AgentFixture.TIMEOUT, List.of("plink", "-batch", "-ssh", "-P",
                    Integer.toString(fx.agent.port()), "-l", "root", "-i", ppk.toString(), "-cert",
                    fx.cert("root").toString(), "-hostkey", fingerprint, "127.0.0.1", "echo plink-$((6*7)); exit 5"));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
            assertThat(r.stdout()).isEqualTo("plink-42\n");
            assertThat(all.warnings()).isEmpty();
        }
    }

    @Test
    void plinkNetcatModeThroughTheAgentLogsNoWarning() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/plink")), "putty-tools is not installed (scripts/test installs it)");
        try (java.net.ServerSocket target = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (java.net.Socket s = target.accept()) {
                    s.getOutputStream().write("hello from the target\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (java.io.IOException ignored) {
                    // the test fails on the output instead
                }
            });
            echo.start();
            try (LogCapture all = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                ProcessResult r = Processes.run(AgentFixture.TIMEOUT, List.of("plink", "-batch", "-ssh", "-P",
                        Integer.toString(fx.agent.port()), "-l", "root", "-i", ppk().toString(), "-cert",
                        fx.cert("root").toString(), "-hostkey", hostKeyFingerprint(), "-nc",
                        "127.0.0.1:" + target.getLocalPort(), "127.0.0.1"));
                assertThat(r.stdout()).as(r.toString()).isEqualTo("hello from the target\n");
                assertThat(all.warnings()).isEmpty();
            }
            echo.join(AgentFixture.TIMEOUT.toMillis());
        }
    }

    private static Path ppk() {
        Path ppk = dir.resolve("id_user.ppk");
        if (!Files.exists(ppk)) {
            ProcessResult conv = Processes.run(AgentFixture.TIMEOUT, List.of("puttygen", fx.userKey.toString(), "-O",
                    "private", "-o", ppk.toString()));
            assertThat(conv.exitCode()).as(conv.toString()).isZero();
        }
        return ppk;
    }

    private static String hostKeyFingerprint() {
        return Processes.run(AgentFixture.TIMEOUT, List.of("ssh-keygen", "-l", "-E", "sha256", "-f",
                dir.resolve("data").resolve("ssh_host_ed25519_key.pub").toString())).stdout().split(" ")[1];
    }
}
