package dev.postern.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port forwarding and X11 with the real OpenSSH client against the real agent, decided by the certificate. */
class ForwardingIT {
    private static final Pattern ALLOCATED = Pattern.compile("Allocated port (\\d+) for remote forward");
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static EchoService echo;
    static Path permitted;
    static Path noForwarding;

    @BeforeAll
    static void start() throws IOException {
        fx = new AgentFixture(dir, TestUsers.withAlice(dir));
        echo = new EchoService();
        permitted = fx.cert("alice");
        noForwarding = fx.cert("alice", "-O", "no-port-forwarding");
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        fx.close();
    }

    @Test
    void stdioForwardReachesALoopbackServiceWhenPermitted() {
        ProcessResult r = fx.ssh("alice", permitted, List.of("-W", "127.0.0.1:" + echo.port()), null, "ping\n");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ping\n");
    }

    @Test
    void localForwardListensOnTheClientAndReachesTheService() throws Exception {
        int localPort = freePort();
        try (Background ssh = background(permitted, "-N", "-o", "ExitOnForwardFailure=yes", "-v",
                "-L", "127.0.0.1:" + localPort + ":127.0.0.1:" + echo.port())) {
            awaitListening(ssh, localPort);

            assertThat(EchoService.roundTrip(InetAddress.getLoopbackAddress(), localPort, "hello -L"))
                    .isEqualTo("hello -L");
        }
    }

    @Test
    void localForwardIsRefusedWithoutPermitPortForwarding() throws Exception {
        int localPort = freePort();
        try (Background ssh = background(noForwarding, "-N", "-o", "ExitOnForwardFailure=yes", "-v",
                "-L", "127.0.0.1:" + localPort + ":127.0.0.1:" + echo.port())) {
            // the client listens locally whatever the server allows; the agent refuses each channel
            awaitListening(ssh, localPort);

            String reply;
            try {
                reply = EchoService.roundTrip(InetAddress.getLoopbackAddress(), localPort, "hello -L");
            } catch (java.net.SocketException reset) {
                reply = ""; // the client dropped the local connection without reading it: also no service
            }
            assertThat(reply).isEmpty();
            ssh.awaitLine(Pattern.compile("open failed: administratively prohibited: port forwarding is not"
                    + " permitted by your certificate"), Duration.ofSeconds(30));
        }
    }

    @Test
    void stdioForwardIsRefusedInPlainWordsWithoutPermitPortForwarding() {
        // the client logs the server's reason at INFO
        ProcessResult r = fx.ssh("alice", noForwarding, List.of("-o", "LogLevel=INFO", "-W", "127.0.0.1:" + echo.port()),
                null, "ping\n");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("administratively prohibited: port forwarding is not permitted by your"
                + " certificate");
    }

    @Test
    void remoteForwardBindsLoopbackWhenPermitted() throws Exception {
        try (Background ssh = background(permitted, "-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "127.0.0.1:0:127.0.0.1:" + echo.port())) {
            int port = Integer.parseInt(ssh.awaitLine(ALLOCATED, Duration.ofSeconds(30)).group(1));

            assertThat(EchoService.roundTrip(InetAddress.getLoopbackAddress(), port, "hello -R"))
                    .isEqualTo("hello -R");
            assertThat(listeners(port)).isNotEmpty().allMatch(ForwardingIT::isLoopback);
        }
    }

    @Test
    void remoteForwardWithoutBindAddressBindsLoopbackToo() throws Exception {
        try (Background ssh = background(permitted, "-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "0:127.0.0.1:" + echo.port())) {
            int port = Integer.parseInt(ssh.awaitLine(ALLOCATED, Duration.ofSeconds(30)).group(1));

            assertThat(listeners(port)).isNotEmpty().allMatch(ForwardingIT::isLoopback);
        }
    }

    @Test
    void remoteForwardOnAllInterfacesIsRefused() {
        for (String bind : List.of("0.0.0.0", "*")) {
            ProcessResult r = fx.ssh("alice", permitted, List.of("-N", "-o", "ExitOnForwardFailure=yes",
                    "-R", bind + ":0:127.0.0.1:" + echo.port()), null, null);

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
            assertThat(r.stderr()).contains("remote port forwarding failed");
        }
    }

    @Test
    void remoteForwardIsRefusedWithoutPermitPortForwarding() {
        ProcessResult r = fx.ssh("alice", noForwarding, List.of("-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "127.0.0.1:0:127.0.0.1:" + echo.port()), null, null);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stderr()).contains("remote port forwarding failed");
    }

    @Test
    void x11IsRefusedAndTheSessionGetsNoDisplay() {
        ProcessResult r = fx.ssh("alice", permitted, List.of("-o", "ForwardX11=yes", "-o", "ForwardX11Trusted=yes",
                "-o", "XAuthLocation=/nonexistent/xauth", "-o", "LogLevel=INFO"), "echo \"D=$DISPLAY\"", null,
                Map.of("DISPLAY", ":42"));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("D=\n");
        assertThat(r.stderr()).contains("X11 forwarding request failed");
    }

    /**
     * Local addresses of the TCP sockets listening on {@code port}, from the kernel's own table
     * (/proc/net/tcp and tcp6: "sl local_address rem_address st", addresses in hex, LISTEN is 0A).
     */
    static List<String> listeners(int port) throws IOException {
        List<String> found = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[3].equals("0A") && f[1].endsWith(":" + String.format("%04X", port))) {
                    found.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return found;
    }

    /**
     * 127.0.0.0/8 (in /proc's byte order the first octet 7F comes last), ::1, or ::ffff:127.x.y.z (the
     * IPv4-mapped form Java's dual-stack sockets show in tcp6).
     */
    static boolean isLoopback(String hex) {
        return hex.length() == 8 ? hex.endsWith("7F")
                : hex.equals("00000000000000000000000001000000")
                || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
    }

    private static Background background(Path identity, String... args) throws IOException {
        List<String> options = new ArrayList<>(List.of("-o", "LogLevel=INFO")); // "Allocated port" is INFO
        options.addAll(List.of(args));
        return new Background(fx.sshCommand("alice", identity, options), Map.of());
    }

    /** ssh -v says "Local forwarding listening" before bind(2); the port-listener channel exists after listen(2). */
    private static void awaitListening(Background ssh, int localPort) throws InterruptedException {
        ssh.awaitLine(Pattern.compile("Local forwarding listening on 127\\.0\\.0\\.1 port " + localPort),
                Duration.ofSeconds(30));
        ssh.awaitLine(Pattern.compile("channel \\d+: new port-listener"), Duration.ofSeconds(30));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
