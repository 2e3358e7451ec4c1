package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.Json;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import dev.postern.testing.netns.Host;
import dev.postern.testing.netns.PlaneNetwork;
import dev.postern.testing.netns.TestNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern as deployed, on separate hosts (network namespaces, {@link PlaneNetwork}): the control plane and its
 * gateway in {@code cp}, the admin's CLI in {@code laptop} (people network only), agents in {@code m1} and
 * {@code m2} (machine network only, no inbound connections). Every command is a real process in its host; the
 * laptop reaches the machines only through the gateway, and the API only over HTTPS with the server's key pinned,
 * so a second server at cp's address (a man in the middle) or a new server key is refused until re-pinned. One
 * plane for the whole class, checks in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostPlaneIT {
    // How clients reach cp: HTTPS with the server's key pinned (pin()); no POSTERN_ALLOW_HTTP anywhere.
    private static final String SERVER = "https://" + PlaneNetwork.CP_NAME + ":7070";
    private static final Map<String, String> CLIENT_ENV = Map.of();
    private static final Pattern FINGERPRINT = Pattern.compile("TLS key fingerprint: (sha256:[0-9a-f]{64})");
    private static final Duration T = Duration.ofSeconds(30);
    @TempDir
    static Path dir;
    private static PlaneNetwork net;
    private static Process server;
    private static HostCli laptop;
    private static String joinToken;
    private static String pin;
    private static final List<Process> agents = new ArrayList<>();
    private static final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void startControlPlane() {
        TestNetwork.assumeAvailable();
        net = PlaneNetwork.create();
        server = startServer("server", dir.resolve("server"), List.of());
        pin = fingerprint("server");
        laptop = new HostCli(net.laptop(), dir.resolve("laptop"), CLIENT_ENV);
    }

    @AfterAll
    static void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    @Order(1)
    void theAdminSetsUpFromTheLaptop() throws IOException {
        String bootstrap = Files.readString(dir.resolve("server").resolve("bootstrap-token")).strip();
        laptop.ok(args(List.of("auth", "login", "--server", SERVER, "--token", bootstrap), pin()));
        laptop.ok("orgs", "create", "acme");
        laptop.ok("apps", "create", "web", "--org", "acme");
        laptop.ok("ssh", "establish", "acme");
        Matcher m = Pattern.compile("pjt_[A-Za-z0-9_-]+").matcher(laptop.ok("tokens", "create", "machine",
                "--app", "web", "--org", "acme", "--uses", "2", "--ttl", "10m"));
        assertThat(m.find()).isTrue();
        joinToken = m.group();
    }

    @Test
    @Order(2)
    void machinesJoinAndTunnelOutThroughTheirFirewall() {
        agents.add(startAgent(net.m1(), "m1", pin()));
        agents.add(startAgent(net.m2(), "m2", pin()));
        for (Host m : List.of(net.m1(), net.m2())) {
            ids.add(MachineProcesses.machineId(dir.resolve(m.name())));
        }
        awaitTrue(Duration.ofSeconds(90), () -> onlineMachines() == 2, "both machines online");
    }

    @Test
    @Order(3)
    void consoleRunsACommandOnEachMachineThroughTheGateway() {
        for (int i = 0; i < 2; i++) {
            String out = laptop.ok("ssh", "console", "--app", "web", "--org", "acme", "--machine", ids.get(i),
                    "-C", "hostname; ip -4 -o addr show dev machines");
            assertThat(out).startsWith("m" + (i + 1) + "\n").contains("203.0.113.1" + (i + 1) + "/24");
        }
    }

    @Test
    @Order(4)
    void stockSshScpAndRsyncWorkWithTheWrittenConfig() throws IOException {
        laptop.ok("ssh", "issue", "acme", "--dotssh");
        laptop.ok("ssh", "config", "--app", "web", "--org", "acme", "--write");
        String config = laptopFile("acme", "web").toString();
        ProcessResult ssh = laptop.exec("ssh", "-F", config, "root@" + host(0), "hostname");
        assertThat(ssh.exitCode()).as(ssh.toString()).isZero();
        assertThat(ssh.stdout()).isEqualTo("m1\n");

        Path file = dir.resolve("payload.bin");
        byte[] payload = new byte[200_000];
        new java.util.Random(7).nextBytes(payload);
        Files.write(file, payload);
        ProcessResult scp = laptop.exec("scp", "-F", config, "-q", file.toString(),
                "root@" + host(0) + ":" + dir.resolve("copied.bin"));
        assertThat(scp.exitCode()).as(scp.toString()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("copied.bin"))).isEqualTo(payload);

        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("a"));
        Files.writeString(tree.resolve("a/b.txt"), "deep\n");
        ProcessResult rsync = laptop.exec("rsync", "-a", "-e", "ssh -F " + config, tree + "/",
                "root@" + host(1) + ":" + dir.resolve("synced"));
        assertThat(rsync.exitCode()).as(rsync.toString()).isZero();
        assertThat(Files.readString(dir.resolve("synced/a/b.txt"))).isEqualTo("deep\n");
    }

    @Test
    @Order(5)
    void theLaptopHasNoRouteToAMachine() {
        for (Host m : List.of(net.m1(), net.m2())) {
            String address = m.address(PlaneNetwork.MACHINES);
            ProcessResult r = net.laptop().run(T, "timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/22");
            assertThat(r.exitCode()).as(r.toString()).isNotZero();
            assertThat(r.stderr()).contains("Network is unreachable");
        }
        assertThat(net.cp().run(T, "cat", "/proc/sys/net/ipv4/ip_forward").stdout().strip()).isEqualTo("0");
    }

    @Test
    @Order(6)
    void machinesListenOnNoTcpPortAndTunnelOutToTheControlPlane() {
        assertThat(onlineMachines()).isEqualTo(2);
        // the check can fail: cp's own listeners show
        assertThat(net.cp().run(T, "ss", "-ltnH").stdout()).contains(":7070", ":2222");
        String cpMachines = net.cp().address(PlaneNetwork.MACHINES);
        for (Host m : List.of(net.m1(), net.m2())) {
            ProcessResult ss = m.run(T, "ss", "-ltnH");
            assertThat(ss.exitCode()).as(ss.toString()).isZero();
            assertThat(ss.stdout()).as("TCP listeners in " + m.name()).isBlank();
            assertThat(m.run(T, "ss", "-tnH", "state", "established").stdout()).as("tunnel of " + m.name())
                    .containsPattern(Pattern.quote(cpMachines) + "\\]?:2222\\b");
        }
    }

    @Test
    @Order(7)
    void revokingTheCertificateEndsStockSshAccess() {
        String config = laptopFile("acme", "web").toString();
        // the written config names the certificate kept for this login and org
        String cert = keptCertificate("revoked-7-cert.pub");
        laptop.ok("ssh", "revoke", "acme", "--serial", serialOf(cert));
        awaitTrue(Duration.ofSeconds(20),
                () -> laptop.exec("ssh", "-F", config, "root@" + host(0), "true").exitCode() == 255,
                "stock ssh refused after revocation");
        ProcessResult refused = laptop.exec("ssh", "-F", config, "root@" + host(0), "true");
        assertThat(refused.stderr()).as(refused.toString()).contains("Permission denied");
        // the refusal is the revocation: a fresh certificate in its place passes again
        laptop.ok("ssh", "config", "--app", "web", "--org", "acme", "--write");
        ProcessResult again = laptop.exec("ssh", "-F", config, "root@" + host(0), "hostname");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).isEqualTo("m1\n");
    }

    @Test
    @Order(8)
    void aManInTheMiddleWithAnotherKeyIsRefusedByTheCliAnAgentAndSsh() {
        Host.stop(server);
        // someone else's postern server (its own data and TLS key) answers at cp's addresses and name
        Process mitm = startServer("mitm", dir.resolve("mitm"), List.of());
        String mitmPin = fingerprint("mitm");
        assertThat(mitmPin).isNotEqualTo(pin);

        ProcessResult cli = laptop.run("machines", "list", "--app", "web", "--org", "acme");
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(3);
        assertThat(cli.stderr()).contains(mitmPin, pin);
        assertThat(cli.stdout()).doesNotContain(ids.get(0));

        // a machine joining now would hand the impostor its join token: the agent stops at the handshake
        Path data = dir.resolve("m3");
        ProcessResult agent = net.m2().run(Duration.ofSeconds(90), Map.of("POSTERN_JOIN_TOKEN", joinToken),
                HostCli.java(List.of("-Xmx96m"), args(List.of("agent", "--server", SERVER, "--data",
                        data.toString()), pin())));
        assertThat(agent.exitCode()).as(agent.toString()).isNotZero();
        assertThat(agent.stdout() + agent.stderr()).contains(mitmPin, "Nothing was sent");
        assertThat(data.resolve("machine.json")).doesNotExist();

        // the impostor's gateway has another host key: stock ssh through the written config refuses it
        ProcessResult ssh = laptop.exec("ssh", "-F", laptopFile("acme", "web").toString(),
                "root@" + host(0), "true");
        assertThat(ssh.exitCode()).as(ssh.toString()).isEqualTo(255);
        assertThat(ssh.stderr()).contains("Host key verification failed");
        Host.stop(mitm);
    }

    @Test
    @Order(9)
    void aServerKeyChangeIsRefusedUntilCliAndAgentAreRePinned() throws IOException {
        Path tls = Files.createDirectories(dir.resolve("new-tls"));
        ProcessResult openssl = Processes.run(T, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=" + PlaneNetwork.CP_NAME,
                "-addext", "subjectAltName=DNS:" + PlaneNetwork.CP_NAME, "-keyout", tls.resolve("key.pem").toString(),
                "-out", tls.resolve("cert.pem").toString()));
        assertThat(openssl.exitCode()).as(openssl.toString()).isZero();
        server = startServer("server-new-key", dir.resolve("server"), List.of("--tls-cert",
                tls.resolve("cert.pem").toString(), "--tls-key", tls.resolve("key.pem").toString()));
        String newPin = fingerprint("server-new-key");
        assertThat(newPin).isNotEqualTo(pin);

        ProcessResult refused = laptop.run("machines", "list", "--app", "web", "--org", "acme");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
        laptop.ok("auth", "pin", "--fingerprint", newPin);
        assertThat(laptop.ok("machines", "list", "--app", "web", "--org", "acme")).contains(ids.get(0), ids.get(1));

        // m1's agent is re-pinned (restarted with the new key); then a certificate is revoked
        String oldPin = pin;
        pin = newPin;
        Host.stop(agents.get(0));
        agents.set(0, startAgent(net.m1(), "m1-repinned", pin()));
        String cert = keptCertificate("revoked-9-cert.pub");
        laptop.ok("ssh", "revoke", "acme", "--serial", serialOf(cert));
        // the agent was just restarted: a JVM start and its tunnel first, as slow under load as a join
        awaitTrue(MachineProcesses.JOIN, () -> revokedIn(net.m1(), cert), "m1 fetched the new KRL");
        // m2's agent, restarted on its stored (old) pin, refuses the new key: its KRL stays as it was
        Host.stop(agents.get(1));
        agents.set(1, startAgent(net.m2(), "m2-old-pin", List.of()));
        Path m2Log = dir.resolve("m2-old-pin.log");
        awaitTrue(Duration.ofSeconds(60), () -> read(m2Log).contains(newPin), "m2 refusing the new key");
        assertThat(read(m2Log)).contains(oldPin + " is pinned");
        assertThat(revokedIn(net.m2(), cert)).as("m2 took a KRL from a key it does not trust").isFalse();
    }

    @Test
    @Order(10)
    void aRemovedMachineIsGoneItsTunnelRefusedAndItsHostKeyRevokedForStockSsh() throws IOException {
        awaitTrue(Duration.ofSeconds(60), () -> onlineMachines() >= 1, "m1 online again on the re-pinned server");
        String hostKey = read(dir.resolve("m1").resolve("ssh_host_ed25519_key.pub")).split("\\s+")[1];
        laptop.ok("machines", "remove", ids.get(0), "--app", "web", "--org", "acme");

        assertThat(laptop.ok("machines", "list", "--app", "web", "--org", "acme")).doesNotContain(ids.get(0));
        JsonNode all = Json.mapper().readTree(laptop.ok("machines", "list", "--app", "web", "--org", "acme", "--all",
                "--json"));
        assertThat(all.findValuesAsText("state")).contains("removed");
        // the agent in m1 is told, through its refused tunnel, that its identity is gone
        awaitTrue(Duration.ofSeconds(60), () -> read(dir.resolve("m1-repinned.log")).contains("removed"),
                "m1's agent told it was removed");

        laptop.ok("ssh", "issue", "acme", "--dotssh", "--overwrite");
        laptop.ok("ssh", "config", "--app", "web", "--org", "acme", "--write");
        assertThat(read(laptopFile("acme", null))).contains("@revoked * ssh-ed25519 "
                + hostKey);
        String config = laptopFile("acme", "web").toString();
        ProcessResult ssh = laptop.exec("ssh", "-F", config, "root@" + host(0), "true");
        assertThat(ssh.exitCode()).as(ssh.toString()).isEqualTo(255);
    }

    /** The options that pin cp's TLS key, as clients are told to. */
    private static List<String> pin() {
        return List.of("--fingerprint", pin);
    }

    /** The fingerprint the server started with log DIR/LOG.log printed. */
    private static String fingerprint(String log) {
        Path file = dir.resolve(log + ".log");
        awaitTrue(Duration.ofSeconds(30), () -> FINGERPRINT.matcher(read(file)).find(), "fingerprint in " + file);
        Matcher m = FINGERPRINT.matcher(read(file));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** A copy (named {@code name} in the test dir) of the certificate kept for the laptop's login in org acme. */
    private static String keptCertificate(String name) {
        try (java.util.stream.Stream<Path> files = Files.list(laptop.posternHome().resolve("ssh"))) {
            Path kept = files.filter(f -> f.getFileName().toString().matches("id_.*_acme-cert\\.pub")).findFirst()
                    .orElseThrow();
            return Files.copy(kept, dir.resolve(name)).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String serialOf(String cert) {
        return Processes.run(T, List.of("ssh-keygen", "-L", "-f", cert)).stdout()
                .replaceAll("(?s).*Serial: (\\d+).*", "$1");
    }

    /** Whether the KRL the agent in {@code m} keeps revokes {@code cert}. */
    private static boolean revokedIn(Host m, String cert) {
        Path krl = dir.resolve(m.name()).resolve("revoked.krl");
        return Files.exists(krl) && Processes.run(T, List.of("ssh-keygen", "-Q", "-f", krl.toString(), cert))
                .stdout().contains("REVOKED");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] args(List<String> first, List<String> more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(more);
        return all.toArray(String[]::new);
    }

    /** Machine {@code i}'s name with the login context's label: short names are off by default. */
    private static String host(int i) {
        String context = new dev.postern.cli.client.ConfigFile(laptop.posternHome()).read().current();
        return ids.get(i) + ".vm.web.internal." + dev.postern.cli.connect.ContextFiles.label(context);
    }

    private static int onlineMachines() {
        try {
            JsonNode list = Json.mapper().readTree(laptop.ok("machines", "list", "--app", "web", "--org", "acme",
                    "--json"));
            int n = 0;
            for (JsonNode m : list) {
                n += m.get("state").asText().equals("online") ? 1 : 0;
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code postern agent} in {@code m} with its data in DIR/m's name, joining with the token the first time;
     * logs to DIR/LOG.log. Without {@code pinArgs} a joined agent keeps the pin stored at join.
     */
    private static Process startAgent(Host m, String log, List<String> pinArgs) {
        Path data = dir.resolve(m.name());
        Map<String, String> env = new HashMap<>(CLIENT_ENV);
        if (!Files.exists(data.resolve("machine.json"))) {
            env.put("POSTERN_JOIN_TOKEN", joinToken);
        }
        return m.start(dir.resolve(log + ".log"), env, HostCli.java(List.of("-Xmx96m"),
                args(List.of("agent", "--server", SERVER, "--data", data.toString()), pinArgs)));
    }

    /**
     * {@code postern server} in cp on all of cp's addresses (only cp's networks reach them), the gateway
     * advertised by the split-horizon name; logs to DIR/LOG.log.
     */
    private static Process startServer(String log, Path data, List<String> more) {
        List<String> args = new ArrayList<>(List.of("server", "--data", data.toString(), "--http", "0.0.0.0:7070",
                "--gateway", "0.0.0.0:2222", "--gateway-advertise", PlaneNetwork.CP_NAME + ":2222", "--advertise",
                SERVER));
        args.addAll(more);
        Process p = net.cp().start(dir.resolve(log + ".log"), Map.of(), HostCli.java(List.of("-Xmx256m"),
                args.toArray(String[]::new)));
        awaitTrue(Duration.ofSeconds(90), () -> {
            assertThat(p.isAlive()).as("server running; see " + dir.resolve(log + ".log")).isTrue();
            return net.cp().run(T, "ss", "-ltnH", "sport = :7070").stdout().contains(":7070");
        }, "server listening in cp");
        return p;
    }

    /** The laptop's ssh config of org and app ({@code ssh config --write}), or with app null its known_hosts. */
    private Path laptopFile(String org, String app) {
        String context = new dev.postern.cli.client.ConfigFile(laptop.posternHome()).read().current();
        return app == null ? dev.postern.cli.connect.ContextFiles.knownHosts(laptop.posternHome(), context, org)
                : dev.postern.cli.connect.ContextFiles.sshConfig(laptop.posternHome(), context, org, app);
    }
}
