package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static dev.postern.cli.Plane.fetch;
import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.Json;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH access policy on the whole plane, real processes on loopback: the control plane with its gateway, a
 * {@code postern agent} child JVM of app {@code web} that both dials out and listens on loopback (so it can be
 * reached without the gateway), and the stock OpenSSH client. The attacker is a member of the org: without a grant
 * they try to get a certificate, to jump through the gateway, and to use a certificate they legitimately got for
 * another app ({@code db}) against web's machine, directly and through the gateway; with a grant they try logins
 * the grant does not give; after a revocation they try to keep their live session.
 */
class AccessPlaneIT {
    /** Local accounts on the machine, unique to this run (other worktrees' tests create users too). */
    private static final String APP = "pacc" + ProcessHandle.current().pid() + "a";
    private static final String OPS = "pacc" + ProcessHandle.current().pid() + "o";
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final MachineProcesses machines = new MachineProcesses();
    private ControlPlane plane;
    private int gatewayPort;
    private int agentPort;
    private CliRunner admin;
    private CliRunner bob;
    private String machine;
    private final List<Process> live = new ArrayList<>();

    @BeforeEach
    void planeWithOneMachineOfWeb() throws Exception {
        for (String user : List.of(APP, OPS)) {
            Processes.run(T, List.of("userdel", user));
            ProcessResult add = Processes.run(T, List.of("useradd", "--no-create-home", "--home-dir", "/tmp",
                    "--shell", "/bin/sh", "--password", "*", user));
            assertThat(add.exitCode()).as(add.toString()).isZero();
        }
        gatewayPort = MachineProcesses.freePort();
        agentPort = MachineProcesses.freePort();
        plane = ControlPlane.start(new ControlPlaneConfig(dir.resolve("server"), null, "127.0.0.1", 0,
                Clock.systemUTC(), null, "admin@example.com", "127.0.0.1", gatewayPort));
        admin = new CliRunner(dir.resolve("admin"), Clock.systemUTC());
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "apps", "create", "web", "--org", "acme");
        ok(admin, "apps", "create", "db", "--org", "acme");
        ok(admin, "ssh", "establish", "acme");
        String token = api("POST", "/v1/orgs/acme/apps/web/join-tokens", "{\"uses\":1,\"ttlSeconds\":600}")
                .get("token").asText();
        machines.start(plane.baseUrl(), token, dir.resolve("m1"), "--listen", "127.0.0.1:" + agentPort);
        machine = MachineProcesses.machineId(dir.resolve("m1")) + ".vm.web.internal";
        awaitTrue(Duration.ofSeconds(20), () -> api("GET", "/v1/orgs/acme/apps/web/machines", null).get(0)
                .get("state").asText().equals("online"), "machine online");

        String out = ok(admin, "members", "add", "--org", "acme", "--email", "bob@example.com", "--role", "member");
        bob = new CliRunner(dir.resolve("bob"), Clock.systemUTC());
        String line = out.lines().filter(l -> l.contains("postern auth login")).findFirst().orElseThrow().trim();
        String[] words = line.split("\\s+");
        ok(bob, java.util.Arrays.copyOfRange(words, 1, words.length));
    }

    @AfterEach
    void stop() {
        live.forEach(Process::destroyForcibly);
        machines.close();
        if (plane != null) {
            plane.close();
        }
        for (String user : List.of(APP, OPS)) {
            Processes.run(T, List.of("userdel", user));
        }
    }

    @Test
    void aMemberWithoutAGrantIsRefusedAtIssueAtTheGatewayAndAtTheAgent() throws Exception {
        CliRunner.Result issue = bob.run("ssh", "issue", "acme", dir.resolve("none").toString());
        assertThat(issue.exit()).as(issue.toString()).isNotZero();
        assertThat(issue.err()).contains("no access grant").contains("postern access grant");
        CliRunner.Result forWeb = bob.run("ssh", "issue", "acme", dir.resolve("none").toString(), "--app", "web");
        assertThat(forWeb.exit()).as(forWeb.toString()).isNotZero();
        assertThat(Files.exists(dir.resolve("none-cert.pub"))).isFalse();

        // a grant on another app gives a certificate for that app only (through the API, as the CLI asks for it)
        ok(admin, "access", "grant", "--org", "acme", "--app", "db", "--email", "bob@example.com", "--logins", APP);
        ok(bob, "ssh", "issue", "acme", dir.resolve("db").toString(), "--app", "db");
        String listing = Processes.run(T, List.of("ssh-keygen", "-L", "-f", dir.resolve("db-cert.pub").toString()))
                .stdout();
        assertThat(listing).contains("postern-apps@postern.dev").contains(APP);
        CliRunner.Result cross = bob.run("ssh", "issue", "acme", dir.resolve("x").toString(), "--app", "web");
        assertThat(cross.exit()).as(cross.toString()).isNotZero();
        assertThat(cross.err()).contains("no access grant on app 'web'");

        // through the gateway: refused before any byte reaches the machine, with the reason
        ProcessResult jumped = ssh(config(dir.resolve("db")), APP + "@" + machine, "echo in");
        assertThat(jumped.exitCode()).as(jumped.toString()).isEqualTo(255);
        assertThat(jumped.stdout()).doesNotContain("in");
        assertThat(jumped.stderr()).contains("no access to app web");
        ProcessResult anyMachine = ssh(config(dir.resolve("db")), APP + "@web.internal", "echo in");
        assertThat(anyMachine.exitCode()).as(anyMachine.toString()).isEqualTo(255);
        assertThat(anyMachine.stderr()).contains("no access to app web");
        // straight at web's agent (no gateway to stop it): its login name is a principal, its app is not
        ProcessResult direct = direct(dir.resolve("db"), APP, "echo in");
        assertThat(direct.exitCode()).as(direct.toString()).isEqualTo(255);
        assertThat(direct.stdout()).doesNotContain("in");
        awaitTrue(Duration.ofSeconds(5), () -> agentLog().contains("certificate is for apps db, not web"),
                "the agent's log names the refusal");

        assertNo(check(APP), "no grant on app web", "postern access grant");
    }

    @Test
    void aGrantGivesTheGrantedLoginsOnlyAndItsRevocationEndsTheLiveSessionWithinFiveSeconds() throws Exception {
        ok(admin, "access", "grant", "--org", "acme", "--app", "web", "--email", "bob@example.com", "--logins", APP);
        assertThat(ok(admin, "access", "list", "--org", "acme", "--app", "web")).contains("bob@example.com")
                .contains(APP);
        assertThat(check(APP).exit()).isZero();
        assertThat(check(APP).out()).startsWith("yes: ").contains("holds a grant on app web");
        assertNo(check(OPS), "allows logins " + APP + ", not " + OPS);
        assertNo(check("root"), "not root");
        assertNo(bob.run("access", "check", "--org", "acme", "--app", "web", "--email", "bob@example.com",
                "--machine", "nosuchmachine", "--login", APP), "no machine");

        CliRunner.Result asOps = bob.run("ssh", "issue", "acme", dir.resolve("ops").toString(), "-u", OPS);
        assertThat(asOps.exit()).as(asOps.toString()).isNotZero();
        assertThat(asOps.err()).contains("not '" + OPS + "'");
        CliRunner.Result asRoot = bob.run("ssh", "issue", "acme", dir.resolve("ops").toString(), "-u", "root");
        assertThat(asRoot.exit()).as(asRoot.toString()).isNotZero();
        ok(bob, "ssh", "issue", "acme", dir.resolve("web").toString());
        Path config = config(dir.resolve("web"));

        ProcessResult granted = ssh(config, APP + "@" + machine, "id -un");
        assertThat(granted.exitCode()).as(granted.toString()).isZero();
        assertThat(granted.stdout()).isEqualTo(APP + "\n");
        assertThat(direct(dir.resolve("web"), APP, "id -un").stdout()).isEqualTo(APP + "\n");
        for (String other : List.of(OPS, "root")) {
            ProcessResult refused = ssh(config, other + "@" + machine, "id -un");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(255);
            assertThat(direct(dir.resolve("web"), other, "id -un").exitCode()).isEqualTo(255);
        }

        Process session = startSession(config, APP + "@" + machine);
        String revoked = ok(admin, "access", "revoke", "--org", "acme", "--app", "web", "--email", "bob@example.com");
        assertThat(revoked).contains("1 live connection(s) ended").contains("1 certificate(s) revoked");
        assertThat(session.waitFor(5, TimeUnit.SECONDS)).as("the live session ended within 5 s").isTrue();
        String stderr = new String(session.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(stderr).contains("access to app web was revoked");

        ProcessResult after = ssh(config, APP + "@" + machine, "true");
        assertThat(after.exitCode()).as(after.toString()).isEqualTo(255);
        // the agent reached directly learns it from the revoked certificate (the KRL is pushed through the tunnel)
        awaitTrue(Duration.ofSeconds(5), () -> direct(dir.resolve("web"), APP, "true").exitCode() == 255,
                "the agent refuses the certificate directly");
        assertNo(check(APP), "no grant on app web");
        assertThat(ok(admin, "audit", "log", "--org", "acme")).contains("access.grant").contains("access.revoke");
    }

    @Test
    void grantsAreForAdminsToGiveAndNeverGiveReservedOrOtherMembersLogins() {
        CliRunner.Result self = bob.run("access", "grant", "--org", "acme", "--app", "web", "--email",
                "bob@example.com", "--logins", APP);
        assertThat(self.exit()).as(self.toString()).isEqualTo(ExitCodes.AUTH);
        CliRunner.Result root = admin.run("access", "grant", "--org", "acme", "--app", "web", "--email",
                "bob@example.com", "--logins", APP + ",root");
        assertThat(root.exit()).as(root.toString()).isEqualTo(ExitCodes.USAGE);
        JsonNode viaApi = apiStatus("POST", "/v1/orgs/acme/apps/web/access",
                "{\"email\":\"bob@example.com\",\"logins\":[\"toor\"]}", 400);
        assertThat(viaApi.get("error").asText()).contains("reserved");
        ok(admin, "members", "add", "--org", "acme", "--email", "amy@example.com", "--login", "amy");
        JsonNode someoneElses = apiStatus("POST", "/v1/orgs/acme/apps/web/access",
                "{\"email\":\"bob@example.com\",\"logins\":[\"amy\"]}", 400);
        assertThat(someoneElses.get("error").asText()).contains("amy@example.com's own login");
        assertThat(ok(admin, "access", "list", "--org", "acme", "--json")).doesNotContain("bob@example.com");
    }

    private CliRunner.Result check(String login) {
        return admin.run("access", "check", "--org", "acme", "--app", "web", "--email", "bob@example.com",
                "--login", login);
    }

    private static void assertNo(CliRunner.Result r, String... reasons) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).startsWith("no: ").contains(reasons);
    }

    private String agentLog() {
        try {
            return Files.readString(dir.resolve("m1.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An interactive-less session that stays up until something ends it; returns once it printed "ready". */
    private Process startSession(Path config, String target) throws IOException {
        Process p = new ProcessBuilder("ssh", "-F", config.toString(), target, "echo ready; exec sleep 60").start();
        live.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).as("the session is up").isEqualTo("ready");
        return p;
    }

    private ProcessResult ssh(Path config, String target, String command) {
        return Processes.run(T, List.of("ssh", "-F", config.toString(), target, command));
    }

    /** Straight to the agent's listening socket, trusting its host certificate through the org's host CA. */
    private ProcessResult direct(Path identity, String user, String command) {
        try {
            JsonNode ca = Json.mapper().readTree(fetch(plane, "/v1/orgs/acme/ca"));
            Path knownHosts = dir.resolve("direct_known_hosts");
            Files.writeString(knownHosts, "@cert-authority * " + ca.get("hostCaPublicKey").asText() + "\n");
            return Processes.run(T, List.of("ssh", "-F", "none", "-p", Integer.toString(agentPort),
                    "-o", "IdentityFile=" + identity, "-o", "CertificateFile=" + identity + "-cert.pub",
                    "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                    "-o", "UserKnownHostsFile=" + knownHosts, "-o", "HostKeyAlias=" + machine,
                    "-o", "ConnectTimeout=10", user + "@127.0.0.1", command));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client config as an operator writes it: ProxyJump through the gateway, strict host checking. */
    private Path config(Path identity) {
        try {
            JsonNode gw = Json.mapper().readTree(fetch(plane, "/v1/gateway"));
            JsonNode ca = Json.mapper().readTree(fetch(plane, "/v1/orgs/acme/ca"));
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + gatewayPort + " " + gw.get("hostKey").asText() + "\n"
                    + "@cert-authority *.internal " + ca.get("hostCaPublicKey").asText() + "\n");
            Path config = dir.resolve(identity.getFileName() + ".ssh_config");
            Files.writeString(config, String.join("\n",
                    "Host postern-gateway", "  HostName 127.0.0.1", "  Port " + gatewayPort, "  User postern",
                    "Host *.internal", "  ProxyJump postern-gateway",
                    "Host *", "  IdentityFile " + identity, "  CertificateFile " + identity + "-cert.pub",
                    "  IdentitiesOnly yes", "  BatchMode yes", "  StrictHostKeyChecking yes",
                    "  UserKnownHostsFile " + knownHosts, "  ConnectTimeout 10", ""));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode api(String method, String path, String body) {
        return apiStatus(method, path, body, -1);
    }

    private JsonNode apiStatus(String method, String path, String body, int expected) {
        try {
            String token = new dev.postern.cli.client.ConfigFile(admin.posternHome()).load().orElseThrow().token();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(plane.baseUrl() + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
            b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (expected < 0) {
                assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
            } else {
                assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
            }
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
