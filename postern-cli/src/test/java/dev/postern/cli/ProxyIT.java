package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern proxy} when something is wrong: the machine's port refuses (one line naming the port and the fix,
 * and the proxy keeps running), and the local port is taken (one line, no MINA log line before it).
 */
class ProxyIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;
    private LifecyclePlane plane;
    private InProcessMachine machine;

    @BeforeEach
    void start() {
        plane = new LifecyclePlane(dir, Duration.ofDays(7));
        machine = plane.machine("m1");
    }

    @AfterEach
    void stop() {
        machine.close();
        plane.close();
    }

    @Test
    void aRefusedRemotePortIsNamedInOneLineAndTheProxyKeepsRunning() throws Exception {
        int closed = MachineProcesses.freePort();
        int local = MachineProcesses.freePort();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliEnvironment env = new CliEnvironment(Map.of("HOME", plane.admin.home().toString(), "POSTERN_HOME",
                plane.admin.posternHome().toString()), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                plane.clock);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread proxy = new Thread(() -> exit.set(Main.run(env, "proxy", local + ":" + closed, "--app", "demo",
                "--machine", machine.id())), "proxy");
        proxy.start();
        try {
            awaitTrue(LIMIT, () -> out.toString(StandardCharsets.UTF_8).startsWith("Forwarding"), "proxy listening: "
                    + err);
            for (int attempt = 0; attempt < 2; attempt++) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), local)) {
                    s.setSoTimeout((int) LIMIT.toMillis());
                    assertThat(s.getInputStream().read()).as("the forwarded connection is closed").isEqualTo(-1);
                }
            }
            String line = "postern: " + machine.id() + " refused the connection to its 127.0.0.1:" + closed + ": nothing"
                    + " listens on port " + closed + " there";
            awaitTrue(LIMIT, () -> err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith(line))
                    .count() == 2, "a line per refused connection: " + err);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("LOCAL:REMOTE").doesNotContain("Exception");
            assertThat(proxy.isAlive()).as("the proxy keeps running").isTrue();
        } finally {
            machine.close();
            proxy.join(LIMIT.toMillis());
        }
        assertThat(proxy.isAlive()).isFalse();
        assertThat(exit.get()).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString(StandardCharsets.UTF_8)).as("the last line says why").contains(
                "postern: the connection to " + machine.id() + " ended: ");
    }

    @Test
    void aTakenLocalPortIsOneLineWithoutMinasLogLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", productClassPath(), Main.class.getName(), "proxy",
                    taken.getLocalPort() + ":22", "--app", "demo", "--machine", machine.id()));
            ProcessResult r = Processes.run(LIMIT, command, null, Map.of("HOME",
                    plane.admin.home().toString(), "POSTERN_HOME", plane.admin.posternHome().toString()), dir);

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILURE);
            assertThat(r.stderr().lines().toList()).as(r.toString()).containsExactly("postern: cannot listen on"
                    + " 127.0.0.1:" + taken.getLocalPort() + " (Address already in use); choose another LOCAL port");
        }
    }

    /** This build's classes and libraries, without the tests' (whose logback-test.xml would replace the CLI's own). */
    private static String productClassPath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.contains("test-classes")).collect(Collectors.joining(File.pathSeparator));
    }
}
