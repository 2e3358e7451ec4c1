package dev.postern.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssh -R} on a privileged port, against the real agent running as root: a member who logs in as alice
 * (not root) tries to have the agent listen on port 81, where a local service would trust it as root's.
 */
class PrivilegedPortIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static EchoService echo;

    @BeforeAll
    static void start() throws IOException {
        fx = new AgentFixture(dir, TestUsers.withAlice(dir));
        echo = new EchoService();
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        fx.close();
    }

    @Test
    void aNonRootLoginMayNotListenOnAPortBelow1024() throws IOException {
        int port = freePort(81, 1023);

        ProcessResult r = fx.ssh("alice", fx.cert("alice"), List.of("-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "127.0.0.1:" + port + ":127.0.0.1:" + echo.port()), null, null);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stderr()).contains("remote port forwarding failed");
        assertThat(ForwardingIT.listeners(port)).isEmpty();
    }

    @Test
    void rootMayListenOnAPortBelow1024() throws Exception {
        int port = freePort(1000, 1023);

        try (Background ssh = background("root", "127.0.0.1:" + port + ":127.0.0.1:" + echo.port())) {
            AgentFixture.await("the agent listens on " + port, () -> !listeners(port).isEmpty() || !ssh.isAlive());

            assertThat(EchoService.roundTrip(InetAddress.getLoopbackAddress(), port, "hello root"))
                    .isEqualTo("hello root");
        }
    }

    @Test
    void aNonRootLoginMayStillListenOnAGivenPortFrom1024() throws Exception {
        int port = freePort(20000, 30000);

        try (Background ssh = background("alice", "127.0.0.1:" + port + ":127.0.0.1:" + echo.port())) {
            AgentFixture.await("the agent listens on " + port, () -> !listeners(port).isEmpty() || !ssh.isAlive());

            assertThat(EchoService.roundTrip(InetAddress.getLoopbackAddress(), port, "hello alice"))
                    .isEqualTo("hello alice");
        }
    }

    private static Background background(String login, String forward) throws IOException {
        List<String> options = new ArrayList<>(List.of("-N", "-o", "ExitOnForwardFailure=yes", "-R", forward));
        return new Background(fx.sshCommand(login, fx.cert(login), options), Map.of());
    }

    private static List<String> listeners(int port) {
        try {
            return ForwardingIT.listeners(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port in {@code [from, to]} that nothing listens on (the test runs as root); skips if none. */
    private static int freePort(int from, int to) {
        for (int port = from; port <= to; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try the next one
            }
        }
        assumeTrue(false, "no free port in " + from + "-" + to + " on 127.0.0.1");
        throw new IllegalStateException("unreachable");
    }
}
