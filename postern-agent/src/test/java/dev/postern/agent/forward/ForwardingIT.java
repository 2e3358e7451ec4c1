package dev.postern.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.files.TestMachine;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.forward.PortForwardingEventListener;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port forwarding and X11 with the real OpenSSH client, decided by the certificate. */
class ForwardingIT {
    private static final Pattern ALLOCATED = Pattern.compile("Allocated port (\\d+) for remote forward");
    @TempDir
    static Path dir;
    static TestMachine machine;
    static EchoService echo;
    static Path permitted;
    static Path noForwarding;
    static final List<SshdSocketAddress> bound = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        machine = TestMachine.start(dir);
        echo = new EchoService();
        permitted = machine.ca().issue("alice", "alice");
        noForwarding = machine.ca().issue("alice-nofwd", "alice", "no-port-forwarding");
        machine.server().addPortForwardingEventListener(new PortForwardingEventListener() {
            @Override
            public void establishedExplicitTunnel(Session session, SshdSocketAddress local, SshdSocketAddress remote,
                                                  boolean localForwarding, SshdSocketAddress boundAddress,
                                                  Throwable reason) {
                if (boundAddress != null) {
                    bound.add(boundAddress);
                }
            }
        });
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        machine.close();
    }

    @Test
    void stdioForwardReachesALoopbackServiceWhenPermitted() {
        ProcessResult r = machine.ssh(permitted, "alice", List.of("-W", "127.0.0.1:" + echo.port()),
                "ping\n".getBytes(StandardCharsets.UTF_8), Map.of());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ping\n");
    }

    @Test
    void localForwardListensOnTheClientAndReachesTheService() throws Exception {
        int localPort = freePort();
        try (Background ssh = background(permitted, "-N", "-o", "ExitOnForwardFailure=yes", "-v",
                "-L", "127.0.0.1:" + localPort + ":127.0.0.1:" + echo.port())) {
            ssh.awaitLine(Pattern.compile("Local forwarding listening on 127\\.0\\.0\\.1 port " + localPort),
                    Duration.ofSeconds(30));

            assertThat(EchoService.roundTrip(InetAddress.getLoopbackAddress(), localPort, "hello -L"))
                    .isEqualTo("hello -L");
        }
    }

    @Test
    void localForwardIsRefusedInPlainWordsWithoutPermitPortForwarding() {
        ProcessResult r = machine.ssh(noForwarding, "alice", List.of("-W", "127.0.0.1:" + echo.port()),
                "ping\n".getBytes(StandardCharsets.UTF_8), Map.of());

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
            assertThat(bound).anyMatch(a -> a.getPort() == port && isLoopback(a));
        }
    }

    @Test
    void remoteForwardWithoutBindAddressBindsLoopbackToo() throws Exception {
        try (Background ssh = background(permitted, "-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "0:127.0.0.1:" + echo.port())) {
            int port = Integer.parseInt(ssh.awaitLine(ALLOCATED, Duration.ofSeconds(30)).group(1));

            assertThat(bound).filteredOn(a -> a.getPort() == port).isNotEmpty().allMatch(ForwardingIT::isLoopback);
        }
    }

    @Test
    void remoteForwardOnAllInterfacesIsRefused() {
        for (String bind : List.of("0.0.0.0", "*")) {
            ProcessResult r = machine.ssh(permitted, "alice", List.of("-N", "-o", "ExitOnForwardFailure=yes",
                    "-R", bind + ":0:127.0.0.1:" + echo.port()));

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
            assertThat(r.stderr()).contains("remote port forwarding failed");
        }
    }

    @Test
    void remoteForwardIsRefusedWithoutPermitPortForwarding() {
        ProcessResult r = machine.ssh(noForwarding, "alice", List.of("-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "127.0.0.1:0:127.0.0.1:" + echo.port()));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(255);
        assertThat(r.stderr()).contains("remote port forwarding failed");
    }

    @Test
    void x11IsRefusedAndTheSessionGetsNoDisplay() {
        ProcessResult r = machine.ssh(permitted, "alice", List.of("-o", "ForwardX11=yes", "-o", "ForwardX11Trusted=yes",
                "-o", "XAuthLocation=/nonexistent/xauth"), null, Map.of("DISPLAY", ":42"), "echo \"D=$DISPLAY\"");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("D=\n");
        assertThat(r.stderr()).contains("X11 forwarding request failed");
    }

    private static boolean isLoopback(SshdSocketAddress a) {
        return new InetSocketAddress(a.getHostName(), a.getPort()).getAddress().isLoopbackAddress();
    }

    private static Background background(Path identity, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ssh"));
        cmd.addAll(machine.clientOptions(identity, "alice"));
        cmd.addAll(List.of(args));
        cmd.add("127.0.0.1");
        return new Background(cmd, Map.of());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
