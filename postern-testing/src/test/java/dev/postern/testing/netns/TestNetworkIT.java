package dev.postern.testing.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit's promises, checked with real sockets: who reaches whom in a {@link PlaneNetwork}, and cleanup. */
class TestNetworkIT {
    private static final Duration T = Duration.ofSeconds(15);
    private static PlaneNetwork plane;
    @TempDir
    static Path dir;

    @BeforeAll
    static void build() throws InterruptedException {
        TestNetwork.assumeAvailable();
        plane = PlaneNetwork.create();
        for (Host h : List.of(plane.cp(), plane.m1())) {
            h.start(dir.resolve(h.name() + ".log"), Map.of(), List.of("python3", "-c",
                    "import socket\ns=socket.socket()\ns.bind(('0.0.0.0',7070))\ns.listen()\n"
                            + "while True:\n c,_=s.accept()\n c.sendall(b'hello from '+socket.gethostname().encode())"
                            + "\n c.close()"));
            awaitListening(h, 7070);
        }
    }

    @AfterAll
    static void tearDown() {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void eachHostHasItsNameAndResolvesTheControlPlaneOnItsOwnNetwork() {
        assertThat(plane.m2().run(T, "hostname").stdout().strip()).isEqualTo("m2");
        assertThat(plane.laptop().run(T, "getent", "hosts", PlaneNetwork.CP_NAME).stdout()).startsWith("198.51.100.1 ");
        assertThat(plane.m1().run(T, "getent", "hosts", PlaneNetwork.CP_NAME).stdout()).startsWith("203.0.113.1 ");
    }

    @Test
    void laptopAndMachinesReachTheControlPlane() {
        assertThat(connect(plane.laptop(), PlaneNetwork.CP_NAME, 7070).stdout()).isEqualTo("hello from cp");
        assertThat(connect(plane.m2(), PlaneNetwork.CP_NAME, 7070).stdout()).isEqualTo("hello from cp");
    }

    @Test
    void theLaptopHasNoRouteToAMachineAndTheControlPlaneDoesNotForward() {
        ProcessResult r = connect(plane.laptop(), "203.0.113.11", 7070);
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stderr()).contains("Network is unreachable");
        assertThat(plane.cp().run(T, "cat", "/proc/sys/net/ipv4/ip_forward").stdout().strip()).isEqualTo("0");
    }

    @Test
    void machinesAcceptNoInboundConnectionAndDialOnlyTheControlPlane() {
        // m1 listens on 7070, yet neither cp nor m2 gets through its firewall
        ProcessResult fromCp = connect(plane.cp(), "203.0.113.11", 7070);
        assertThat(fromCp.exitCode()).as(fromCp.toString()).isNotZero();
        assertThat(fromCp.stdout()).isEmpty();
        assertThat(plane.m1().run(T, "ss", "-ltn").stdout()).contains(":7070");
        ProcessResult fromM2 = connect(plane.m2(), "203.0.113.11", 7070);
        assertThat(fromM2.exitCode()).as(fromM2.toString()).isNotZero();
        assertThat(fromM2.stdout()).isEmpty();
    }

    @Test
    void namespacesOfADeadRunAreRemovedAndCloseRemovesItsOwn() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = Namespaces.PREFIX + gone.pid() + "-1-m1";
        Namespaces.must("ip", "netns", "add", stale);
        TestNetwork other = TestNetwork.create();
        assertThat(Namespaces.list()).doesNotContain(stale).contains(plane.cp().namespace());
        other.addSwitch("lan", "192.0.2");
        Host h = other.addHost("solo");
        other.connect(h, "lan", 5);
        String ns = h.namespace();
        other.close();
        assertThat(Namespaces.list()).doesNotContain(ns, ns.replace("solo", "sw-lan"));
    }

    /** Connects with bash's /dev/tcp from {@code from}; stdout is what the peer sent. */
    private static ProcessResult connect(Host from, String host, int port) {
        return from.run(T, "timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port + " && cat <&3");
    }

    private static void awaitListening(Host h, int port) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(20);
        while (!h.run(T, "ss", "-ltnH", "sport = :" + port).stdout().contains(":" + port)) {
            assertThat(Instant.now()).as("listener on " + h + ":" + port).isBefore(end);
            Thread.sleep(100);
        }
    }
}
