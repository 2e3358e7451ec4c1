package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static dev.postern.cli.Plane.fetch;
import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.Json;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.testing.LogCapture;
import dev.postern.testing.Paramiko;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole plane with real processes on loopback: the control plane with its gateway, two `postern agent`
 * child processes in tunnel mode, and the stock OpenSSH client jumping through the gateway.
 */
class TunnelPlaneIT {
    @TempDir
    Path dir;
    private final MachineProcesses machines = new MachineProcesses();
    private ControlPlane plane;
    private int gatewayPort;
    private CliRunner admin;
    private final List<String> ids = new ArrayList<>();

    private ControlPlane startPlane() {
        return ControlPlane.start(new ControlPlaneConfig(dir.resolve("server"), null, "127.0.0.1", 0,
                Clock.systemUTC(), null, "admin@example.com", "127.0.0.1", gatewayPort));
    }

    @BeforeEach
    void planeWithTwoMachines() throws Exception {
        gatewayPort = MachineProcesses.freePort();
        plane = startPlane();
        admin = new CliRunner(dir.resolve("admin"), Clock.systemUTC());
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "demo");
        ok(admin, "apps", "create", "demo", "--org", "demo");
        ok(admin, "ssh", "establish", "demo");
        String token = api("POST", "/v1/orgs/demo/apps/demo/join-tokens", "{\"uses\":2,\"ttlSeconds\":600}")
                .get("token").asText();
        for (String m : List.of("m1", "m2")) {
            machines.start(plane.baseUrl(), token, dir.resolve(m));
        }
        for (String m : List.of("m1", "m2")) {
            ids.add(MachineProcesses.machineId(dir.resolve(m)));
        }
        awaitTrue(Duration.ofSeconds(20), () -> onlineCount() == 2, "both machines online");
        ok(admin, "ssh", "issue", "demo", "admin@example.com", dir.resolve("id").toString());
    }

    @AfterEach
    void stop() {
        machines.close();
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void stockSshScpAndRsyncWorkWithTheGeneratedConfigAndStrictHostChecking() throws Exception {
        ok(admin, "ssh", "issue", "demo", "--dotssh");
        // opted in: the short names demo.internal and <id>.vm.demo.internal (MultiHostPlaneIT uses the labelled ones)
        ok(admin, "ssh", "config", "--app", "demo", "--org", "demo", "--short-names");
        Path config = admin.sshConfig("demo", "demo");
        assertThat(Files.readString(config)).contains("StrictHostKeyChecking yes", "ProxyJump");
        for (String id : ids) {
            ProcessResult r = ssh(config, "root@" + id + ".vm.demo.internal", "echo ok; cat /proc/self/cgroup >/dev/null");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("ok\n");
        }
        ProcessResult code = ssh(config, "root@demo.internal", "exit 7");
        assertThat(code.exitCode()).as(code.toString()).isEqualTo(7);

        Path file = dir.resolve("payload.bin");
        Files.write(file, new byte[300_000]);
        String remote = "root@" + ids.get(0) + ".vm.demo.internal:" + dir.resolve("copied.bin");
        ProcessResult scp = Processes.run(Duration.ofSeconds(60), List.of("scp", "-F", config.toString(), "-q",
                file.toString(), remote));
        assertThat(scp.exitCode()).as(scp.toString()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("copied.bin"))).isEqualTo(Files.readAllBytes(file));

        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/b/c.txt"), "deep\n");
        Files.writeString(tree.resolve("top.txt"), "top\n");
        ProcessResult rsync = Processes.run(Duration.ofSeconds(60), List.of("rsync", "-a", "-e",
                "ssh -F " + config, tree + "/", "root@" + ids.get(1) + ".vm.demo.internal:" + dir.resolve("synced")));
        assertThat(rsync.exitCode()).as(rsync.toString()).isZero();
        assertThat(Files.readString(dir.resolve("synced/a/b/c.txt"))).isEqualTo("deep\n");
        assertThat(Files.readString(dir.resolve("synced/top.txt"))).isEqualTo("top\n");
    }

    @Test
    void agentsInTunnelModeHaveNoListeningSocket() {
        Set<String> listening = MachineProcesses.listeningInodes();
        // the check can fail: this JVM (control plane and gateway) does listen
        assertThat(MachineProcesses.socketInodes(ProcessHandle.current().pid())).containsAnyElementsOf(listening);
        for (ProcessHandle agent : ProcessHandle.current().children().toList()) {
            Set<String> sockets = MachineProcesses.socketInodes(agent.pid());
            assertThat(sockets).as("agent %d holds sockets (its tunnel)", agent.pid()).isNotEmpty();
            assertThat(sockets).as("agent %d listening sockets", agent.pid()).doesNotContainAnyElementsOf(listening);
        }
    }

    @Test
    void machinesAreBackWithin10SecondsAfterTheGatewayRestarts() {
        plane.close();
        plane = startPlane();
        Path config = sshConfig(dir.resolve("id"));
        for (String id : ids) {
            awaitTrue(Duration.ofSeconds(10),
                    () -> ssh(config, "root@" + id + ".vm.demo.internal", "true").exitCode() == 0,
                    "machine " + id + " reachable again");
        }
    }

    @Test
    void peopleOutsideTheOrgAreRefusedAtTheGateway() {
        ok(admin, "members", "add", "--org", "demo", "--email", "jane@example.com", "--role", "admin");
        ok(admin, "ssh", "issue", "demo", "jane@example.com", dir.resolve("jane").toString(), "-u", "root");
        Path janeConfig = sshConfig(dir.resolve("jane"));
        String host = "root@" + ids.get(0) + ".vm.demo.internal";
        assertThat(ssh(janeConfig, host, "true").exitCode()).as("member").isZero();

        ok(admin, "members", "remove", "--org", "demo", "--email", "jane@example.com");
        ProcessResult removed = ssh(janeConfig, host, "true");
        assertThat(removed.exitCode()).as(removed.toString()).isEqualTo(255);

        ok(admin, "orgs", "create", "other");
        ok(admin, "ssh", "establish", "other");
        ok(admin, "ssh", "issue", "other", "admin@example.com", dir.resolve("other").toString());
        ProcessResult otherOrg = ssh(sshConfig(dir.resolve("other")), host, "true");
        assertThat(otherOrg.exitCode()).as(otherOrg.toString()).isEqualTo(255);
    }

    @Test
    void aRevokedCertificateIsRefusedAtTheGatewayAndReachesTheAgentsWithinFiveSeconds() throws Exception {
        Path config = sshConfig(dir.resolve("id"));
        String host = "root@" + ids.get(0) + ".vm.demo.internal";
        assertThat(ssh(config, host, "true").exitCode()).isZero();
        String serial = serialOf(dir.resolve("id-cert.pub"));
        ok(admin, "ssh", "revoke", "demo", "--serial", serial);
        awaitTrue(Duration.ofSeconds(5), () -> ssh(config, host, "true").exitCode() == 255, "gateway refusal");
        for (String m : List.of("m1", "m2")) {
            awaitTrue(Duration.ofSeconds(5), () -> Processes.run(Duration.ofSeconds(10), List.of("ssh-keygen", "-Q",
                    "-f", dir.resolve(m).resolve("revoked.krl").toString(), dir.resolve("id-cert.pub").toString()))
                    .stdout().contains("REVOKED"), "agent " + m + " has the revocation");
        }
    }

    @Test
    void paramikoAndPlinkReachAMachineThroughTheGateway() throws Exception {
        String id = ids.get(0);
        String machine = id + ".vm.demo.internal";
        JsonNode gw = Json.mapper().readTree(fetch(plane, "/v1/gateway"));
        // paramiko knows no @cert-authority lines: the machine's own host key is pinned instead
        Path knownHosts = dir.resolve("paramiko_known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + gatewayPort + " " + gw.get("hostKey").asText() + "\n"
                + machine + " " + Files.readString(dir.resolve("m1").resolve("ssh_host_ed25519_key.pub")));
        Path key = dir.resolve("id");
        if (Paramiko.installed()) {
            ProcessResult r = new Paramiko(dir).login("root", key, dir.resolve("id-cert.pub"), knownHosts)
                    .jump("127.0.0.1", gatewayPort).run(machine, 22, "exec", "echo via-$((40+2)); exit 3");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("via-42\n");
        }
        if (Files.isExecutable(Path.of("/usr/bin/plink"))) {
            Path ppk = dir.resolve("id.ppk");
            assertThat(Processes.run(Duration.ofSeconds(30), List.of("puttygen", key.toString(), "-O", "private",
                    "-o", ppk.toString())).exitCode()).isZero();
            String gatewayFingerprint = fingerprint(gw.get("hostKey").asText());
            String machineFingerprint = fingerprint(Files.readString(dir.resolve("m1").resolve("ssh_host_ed25519_key.pub")));
            String plink = "plink -batch -ssh -P " + gatewayPort + " -l postern -i " + ppk + " -cert " + key
                    + "-cert.pub -hostkey " + gatewayFingerprint + " -nc %host:%port 127.0.0.1";
            try (LogCapture gatewayLog = new LogCapture()) {
                ProcessResult r = Processes.run(Duration.ofSeconds(30), List.of("plink", "-batch", "-ssh", "-l",
                        "root", "-i", ppk.toString(), "-cert", key + "-cert.pub", "-hostkey", machineFingerprint,
                        "-proxycmd", plink, machine, "echo plink-$((40+2))"));
                assertThat(r.exitCode()).as(r.toString()).isZero();
                assertThat(r.stdout()).isEqualTo("plink-42\n");
                // PuTTY's simple@putty.projects.tartarus.org on the gateway's direct-tcpip channel is answered quietly
                assertThat(gatewayLog.warnings()).isEmpty();
            }
        }
    }

    private static String fingerprint(String publicKeyLine) throws IOException {
        Path f = Files.createTempFile("key", ".pub");
        try {
            Files.writeString(f, publicKeyLine.strip() + "\n");
            return Processes.run(Duration.ofSeconds(10), List.of("ssh-keygen", "-l", "-E", "sha256", "-f",
                    f.toString())).stdout().split(" ")[1];
        } finally {
            Files.delete(f);
        }
    }

    private static String serialOf(Path cert) {
        String listing = Processes.run(Duration.ofSeconds(10), List.of("ssh-keygen", "-L", "-f", cert.toString()))
                .stdout();
        return listing.replaceAll("(?s).*Serial: (\\d+).*", "$1");
    }

    private ProcessResult ssh(Path config, String target, String command) {
        return Processes.run(Duration.ofSeconds(30), List.of("ssh", "-F", config.toString(), target, command));
    }

    /** A client config as an operator would write it: ProxyJump through the gateway, strict host checking. */
    private Path sshConfig(Path identity) {
        try {
            JsonNode gw = Json.mapper().readTree(fetch(plane, "/v1/gateway"));
            JsonNode ca = Json.mapper().readTree(fetch(plane, "/v1/orgs/demo/ca"));
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + gatewayPort + " " + gw.get("hostKey").asText() + "\n"
                    + "@cert-authority *.internal " + ca.get("hostCaPublicKey").asText() + "\n");
            Path config = dir.resolve(identity.getFileName() + ".ssh_config");
            Files.writeString(config, String.join("\n",
                    "Host postern-gateway", "  HostName 127.0.0.1", "  Port " + gatewayPort, "  User postern",
                    "Host *.internal", "  ProxyJump postern-gateway", "  User root",
                    "Host *", "  IdentityFile " + identity, "  CertificateFile " + identity + "-cert.pub",
                    "  IdentitiesOnly yes", "  BatchMode yes", "  StrictHostKeyChecking yes",
                    "  UserKnownHostsFile " + knownHosts, "  ConnectTimeout 10", ""));
            return config;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int onlineCount() {
        JsonNode list = api("GET", "/v1/orgs/demo/apps/demo/machines", null);
        int n = 0;
        for (JsonNode m : list) {
            n += m.get("state").asText().equals("online") ? 1 : 0;
        }
        return n;
    }

    private JsonNode api(String method, String path, String body) {
        try {
            String token = new dev.postern.cli.client.ConfigFile(admin.posternHome()).load().orElseThrow().token();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(plane.baseUrl() + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
            b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
