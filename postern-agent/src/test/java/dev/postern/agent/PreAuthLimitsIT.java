package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.ssh.PreAuthLimits;
import dev.postern.testing.ProcessResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's listening socket has the gateway's limits before login (the mechanism is postern-ssh's
 * {@code PreAuthGuard}; the gateway's PreAuthLimitsIT covers it in depth): a source that keeps failing is
 * refused with the reason, and idle connections beyond the per-source cap are refused. Each source is its own
 * loopback address.
 */
class PreAuthLimitsIT {
    @TempDir
    Path dir;

    @Test
    void failedLoginsThenIdleConnectionsAreRefusedAtTheListeningSocket() throws Exception {
        try (AgentFixture fx = new AgentFixture(dir, b -> b.accounts(Accounts.system())
                .preAuth(new PreAuthLimits(3, Duration.ofMinutes(1), 2, 1024)))) {
            Path otherCa = dir.resolve("other_ca");
            AgentFixture.keygen(otherCa);
            Path untrusted = fx.cert(otherCa, "root");
            for (int i = 0; i < 3; i++) {
                ProcessResult r = sshFrom(fx, "127.0.0.31", untrusted);
                assertThat(r.stderr()).as(r.toString()).contains("Permission denied");
            }
            // the agent counts a failure once it has closed the connection, just after ssh exits: bounded retries
            boolean refused = false;
            for (int i = 0; i < 3 && !refused; i++) {
                ProcessResult r = sshFrom(fx, "127.0.0.31", untrusted);
                refused = r.stderr().contains("too many failed logins from 127.0.0.31");
                assertThat(refused || r.stderr().contains("Permission denied")).as(r.toString()).isTrue();
            }
            assertThat(refused).as("refused for its failed logins").isTrue();
            ProcessResult valid = sshFrom(fx, "127.0.0.32", fx.cert("root"));
            assertThat(valid.stdout()).as("another source with a valid certificate").isEqualTo("ok\n");

            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket(InetAddress.getByName("127.0.0.1"), fx.agent.port(),
                            InetAddress.getByName("127.0.0.33"), 0);
                    s.setSoTimeout(20_000);
                    idle.add(s);
                }
                assertThat(new String(idle.get(0).getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
                        .isEqualTo("SSH-2.0-");
                assertThat(new String(idle.get(1).getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
                        .isEqualTo("SSH-2.0-");
                assertThat(untilClosed(idle.get(2))).contains("too many connections not logged in from 127.0.0.33");
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    private static ProcessResult sshFrom(AgentFixture fx, String source, Path cert) {
        return fx.ssh("root", cert, List.of("-b", source), "echo ok", null);
    }

    private static String untilClosed(Socket s) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // a reset after the disconnect message also ends it
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
