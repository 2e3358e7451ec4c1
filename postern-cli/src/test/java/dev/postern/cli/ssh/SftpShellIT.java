package dev.postern.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.CliEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern ssh sftp shell} against a hostile machine: a compromised machine runs whatever SFTP server it
 * likes, and puts escape sequences and a forged line of our own output in the text of its SFTP errors
 * (SSH_FXP_STATUS). The shell shows them escaped and carries on.
 */
class SftpShellIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String EVIL = "gone\u001b]0;owned\u0007\u001b[2J\npostern: all good\u202e";

    @Test
    void theErrorTextOfAHostileSftpServerReachesTheTerminalEscaped(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("root"));
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host-key")));
        server.setPasswordAuthenticator((user, password, session) -> true);
        server.setFileSystemFactory(new VirtualFileSystemFactory(dir.resolve("root")));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory.Builder()
                .withSftpErrorStatusDataHandler(new SftpErrorStatusDataHandler() {
                    @Override
                    public String resolveErrorMessage(SftpSubsystemEnvironment sftp, int id, Throwable e, int subStatus,
                                                      int cmd, Object... args) {
                        return EVIL;
                    }
                }).build()));
        server.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession session = client.connect("someone", "127.0.0.1", server.getPort()).verify(T).getSession()) {
                session.addPasswordIdentity("any");
                session.auth().verify(T);
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                    byte[] input = "get missing\nls missing\ncd missing\npwd\nexit\n".getBytes(StandardCharsets.UTF_8);
                    CliEnvironment env = new CliEnvironment(Map.of("HOME", dir.toString()), new ByteArrayInputStream(input),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC());
                    new SftpCommand(env).repl(sftp);
                }
            }
        } finally {
            server.stop(true);
        }
        String shown = out.toString(StandardCharsets.UTF_8);
        assertThat(shown).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e")
                .doesNotContain("\npostern: all good");
        // the failing commands were answered with the machine's words escaped, and the shell read every line
        assertThat(shown.split("gone\\\\e]0;owned\\\\u0007\\\\e\\[2J\\\\npostern: all good\\\\u202e", -1).length - 1)
                .as(shown).isGreaterThanOrEqualTo(2);
        assertThat(shown.split("sftp [^>]*> ", -1).length - 1).as(shown).isEqualTo(5);
    }
}
