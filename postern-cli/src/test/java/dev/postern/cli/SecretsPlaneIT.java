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
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * App secrets end to end: the control plane with its gateway, a real {@code postern agent} process in tunnel mode
 * supervising an entrypoint, the CLI, and the stock OpenSSH client. The values are random per run, so finding one
 * anywhere it must not be (a log line, an API answer, the audit trail, a file of the agent's data dir or of the
 * server's) is a leak, not a coincidence.
 */
class SecretsPlaneIT {
    @TempDir
    Path dir;
    private final MachineProcesses machines = new MachineProcesses();
    private final List<String> answers = new ArrayList<>();
    private ControlPlane plane;
    private int gatewayPort;
    private CliRunner admin;
    private LogCapture serverLog;
    private final ch.qos.logback.classic.Logger postern =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.postern");
    private final ch.qos.logback.classic.Logger root =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void plane() {
        // every level of Postern's own loggers reaches the capture, not only the WARN the tests' logback sets
        serverLog = new LogCapture();
        postern.setLevel(ch.qos.logback.classic.Level.DEBUG);
        root.setLevel(ch.qos.logback.classic.Level.INFO);
        gatewayPort = MachineProcesses.freePort();
        plane = ControlPlane.start(new ControlPlaneConfig(dir.resolve("server"), null, "127.0.0.1", 0,
                Clock.systemUTC(), null, "admin@example.com", "127.0.0.1", gatewayPort));
        admin = new CliRunner(dir.resolve("admin"), Clock.systemUTC());
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "demo");
        ok(admin, "apps", "create", "demo", "--org", "demo");
        ok(admin, "ssh", "establish", "demo");
    }

    @AfterEach
    void stop() {
        machines.close();
        if (plane != null) {
            plane.close();
        }
        serverLog.close();
        postern.setLevel(null);
        root.setLevel(ch.qos.logback.classic.Level.WARN);
    }

    @Test
    void aDeployedSecretReachesTheEntrypointAndSessionsAndNothingElse() throws Exception {
        String v1 = "v1-" + random();
        String v2 = "v2-" + random();
        // set before the machine exists: the agent asks for it at tunnel start, before it starts the entrypoint
        answer(cli(v1.getBytes(StandardCharsets.UTF_8), "secrets", "set", "--app", "demo", "--org", "demo",
                "DB_PASSWORD=-", "PLAIN=visible"));
        String token = api("POST", "/v1/orgs/demo/apps/demo/join-tokens", "{\"uses\":1,\"ttlSeconds\":600}")
                .get("token").asText();
        Path data = dir.resolve("m1");
        // the agent logs everything of its own down to DEBUG (tests otherwise run it at WARN)
        Path logback = dir.resolve("agent-logback.xml");
        Files.writeString(logback, "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<target>System.err</target><encoder><pattern>%level %logger - %msg%n</pattern></encoder></appender>"
                + "<logger name=\"dev.postern\" level=\"DEBUG\"/><root level=\"INFO\"><appender-ref ref=\"E\"/></root>"
                + "</configuration>");
        Process agent = machines.start(List.of("-Dlogback.configurationFile=" + logback), plane.baseUrl(), token, data,
                "--", "/bin/sleep", "100000");
        String id = MachineProcesses.machineId(data);
        ok(admin, "ssh", "issue", "demo", "admin@example.com", dir.resolve("id").toString());
        Path config = sshConfig(dir.resolve("id"));
        String host = "root@" + id + ".vm.demo.internal";

        long first = awaitEntrypoint(agent, -1);
        assertThat(environ(first)).contains("DB_PASSWORD=" + v1, "PLAIN=visible");
        ProcessResult session = ssh(config, host, "printenv DB_PASSWORD; printenv PLAIN");
        assertThat(session.exitCode()).as(session.toString()).isZero();
        assertThat(session.stdout()).isEqualTo(v1 + "\nvisible\n");

        // a staged change reaches nobody until it is deployed
        Path file = dir.resolve("v2.txt");
        Files.writeString(file, v2);
        answer(cli(new byte[0], "secrets", "set", "--app", "demo", "--org", "demo", "--stage",
                "DB_PASSWORD=@" + file));
        answer(api("GET", "/v1/orgs/demo/apps/demo/secrets", null).toString());
        assertThat(ssh(config, host, "printenv DB_PASSWORD").stdout()).isEqualTo(v1 + "\n");
        assertThat(environ(first)).contains("DB_PASSWORD=" + v1);

        answer(cli(new byte[0], "secrets", "deploy", "--app", "demo", "--org", "demo"));
        long second = awaitEntrypoint(agent, first);
        assertThat(environ(second)).contains("DB_PASSWORD=" + v2, "PLAIN=visible");
        assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive)).as("the old entrypoint").isNotEqualTo(
                Optional.of(true));
        awaitTrue(Duration.ofSeconds(10), () -> ssh(config, host, "printenv DB_PASSWORD").stdout()
                .equals(v2 + "\n"), "a new session sees the new value");

        String list = cli(new byte[0], "secrets", "list", "--app", "demo", "--org", "demo", "--json");
        answer(list);
        JsonNode listed = Json.mapper().readTree(list);
        assertThat(listed.get("deployedVersion").asLong()).isEqualTo(2);
        assertThat(listed.get("secrets").findValuesAsText("name")).containsExactly("DB_PASSWORD", "PLAIN");
        assertThat(listed.get("secrets").get(0).get("digest").asText()).hasSize(16);
        String audit = new String(fetchAuthed("/v1/audit?org=demo"), StandardCharsets.UTF_8);
        answer(audit);
        assertThat(audit).contains("secrets.change", "secrets.deploy", "DB_PASSWORD");

        String agentLog = Files.readString(data.resolveSibling("m1.log"));
        // the check can fail: the agent's and the server's INFO lines are there
        assertThat(agentLog).contains("received secrets version 2");
        assertThat(serverLog.lines()).anyMatch(l -> l.contains("sent secrets version 2"));
        for (String value : List.of(v1, v2)) {
            assertThat(answers).as("CLI output and API answers").noneMatch(a -> a.contains(value));
            assertThat(serverLog.lines()).as("server log").noneMatch(l -> l.contains(value));
            assertThat(agentLog).as("agent log").doesNotContain(value);
            assertNotIn(data, value);
            assertNotIn(dir.resolve("server"), value);
            assertThat(ProcessHandle.of(second).flatMap(p -> p.info().arguments()).map(List::of).orElse(List.of()))
                    .as("entrypoint argv").noneMatch(a -> a.contains(value));
        }
    }

    @Test
    void onlyOwnersAndAdminsSeeOrChangeSecretsAndNamesAreChecked() {
        CliRunner.Result bad = admin.run("secrets", "set", "--app", "demo", "--org", "demo", "POSTERN_JOIN_TOKEN=x");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("reserved");
        int status = status("POST", "/v1/orgs/demo/apps/demo/secrets",
                "{\"set\":{\"lower\":\"x\"}}", adminToken());
        assertThat(status).isEqualTo(400);
        status = status("POST", "/v1/orgs/demo/apps/demo/secrets",
                "{\"set\":{\"BIG\":\"" + "x".repeat(33 * 1024) + "\"}}", adminToken());
        assertThat(status).isEqualTo(400);
        String devToken = memberToken("dev@example.com");
        assertThat(status("GET", "/v1/orgs/demo/apps/demo/secrets", null, devToken)).isEqualTo(403);
        assertThat(status("POST", "/v1/orgs/demo/apps/demo/secrets", "{\"set\":{\"A\":\"x\"}}", devToken))
                .isEqualTo(403);
        assertThat(status("POST", "/v1/orgs/demo/apps/demo/secrets/deploy", "{}", devToken)).isEqualTo(403);
    }

    /** Attack: a value pasted where a name belongs; the 400 (shown by any client, logged by proxies) must not hold it. */
    @Test
    void aNameCheckNeverEchoesAValuePastedIntoTheName() {
        for (String body : List.of("{\"unset\":[\"DB_PASSWORD=hunter2-pasted\"]}",
                "{\"set\":{\"DB_PASSWORD=hunter2-pasted\":\"x\"}}")) {
            HttpResponse<String> r = send("POST", "/v1/orgs/demo/apps/demo/secrets", body, adminToken());
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).contains("DB_PASSWORD").doesNotContain("hunter2");
        }
    }

    /**
     * Attack: someone who sees the screen (or its scrollback, a recording, a shared tmux) while a person types a
     * secret for {@code NAME=-}. At a terminal the value is read without echo, and arrives intact: the same value
     * sent through a pipe afterwards gets the same digest.
     */
    @Test
    void aValueTypedAtATerminalIsNeverShownAndArrivesIntact() throws Exception {
        String value = "typed-" + random();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", javaBin, "-cp", "'" + System.getProperty("java.class.path") + "'",
                Main.class.getName(), "secrets", "set", "--app", "demo", "--org", "demo", "TYPED=-");
        // script(1) runs the command on a new pseudo-terminal; what the terminal shows is script's output
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true);
        pb.environment().put("HOME", admin.home().toString());
        pb.environment().put("POSTERN_HOME", admin.posternHome().toString());
        pb.environment().put("TERM", "dumb");
        Process p = pb.start();
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (var in = p.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                screen.append("[read failed: ").append(e).append(']');
            }
        });
        reader.start();
        try {
            // typed only once the prompt is up: the terminal echoes whatever arrives before echo is turned off
            awaitTrue(Duration.ofSeconds(60), () -> screen.toString().contains("Value of TYPED"), "the prompt");
            p.getOutputStream().write((value + "\r").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().flush();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as(screen.toString()).isTrue();
            reader.join(10_000);
        } finally {
            p.destroyForcibly();
        }
        answer(screen.toString());
        assertThat(p.exitValue()).as(screen.toString()).isZero();
        assertThat(screen.toString()).contains("not shown as you type").contains("Set 1").doesNotContain(value);

        String typed = digest("TYPED");
        cli(value.getBytes(StandardCharsets.UTF_8), "secrets", "set", "--app", "demo", "--org", "demo", "TYPED=-");
        assertThat(digest("TYPED")).as("the value typed is the value piped").isEqualTo(typed);
        cli((value + "x").getBytes(StandardCharsets.UTF_8), "secrets", "set", "--app", "demo", "--org", "demo",
                "TYPED=-");
        assertThat(digest("TYPED")).as("and another value has another digest").isNotEqualTo(typed);
    }

    private String digest(String name) throws IOException {
        for (JsonNode s : Json.mapper().readTree(cli(new byte[0], "secrets", "list", "--app", "demo", "--org", "demo",
                "--json")).get("secrets")) {
            if (s.get("name").asText().equals(name)) {
                return s.get("digest").asText();
            }
        }
        throw new AssertionError("no secret " + name);
    }

    private long awaitEntrypoint(Process agent, long not) {
        long[] pid = {-1};
        awaitTrue(Duration.ofSeconds(40), () -> {
            Optional<ProcessHandle> sleep = agent.toHandle().children()
                    .filter(p -> p.info().command().map(c -> c.endsWith("sleep")).orElse(false))
                    .filter(p -> p.pid() != not && p.isAlive()).findFirst();
            sleep.ifPresent(p -> pid[0] = p.pid());
            return sleep.isPresent();
        }, "the agent's entrypoint (not pid " + not + ")");
        return pid[0];
    }

    private static List<String> environ(long pid) throws IOException {
        return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "environ"), StandardCharsets.UTF_8)
                .split("\0"));
    }

    /** Every byte of every file under {@code root}: the value in plain UTF-8 must be in none of them. */
    private static void assertNotIn(Path root, String value) throws IOException {
        byte[] needle = value.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertThat(indexOf(bytes, needle)).as("the secret value in " + f).isEqualTo(-1);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void answer(String text) {
        answers.add(text);
    }

    private String cli(byte[] stdin, String... args) {
        CliRunner.Result r = admin.runWithInput(stdin, args);
        answers.add(r.out());
        answers.add(r.err());
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
        return r.out();
    }

    private static String random() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private ProcessResult ssh(Path config, String target, String command) {
        return Processes.run(Duration.ofSeconds(30), List.of("ssh", "-F", config.toString(), target, command));
    }

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
            throw new UncheckedIOException(e);
        }
    }

    private String adminToken() {
        return new dev.postern.cli.client.ConfigFile(admin.posternHome()).load().orElseThrow().token();
    }

    /** A member's API token: the admin invites, the member redeems as the CLI does. */
    private String memberToken(String email) {
        CliRunner member = new CliRunner(dir.resolve("member"), Clock.systemUTC());
        String added = ok(admin, "members", "add", "--org", "demo", "--email", email);
        String line = added.lines().filter(l -> l.contains("postern auth login")).findFirst().orElseThrow().trim();
        String[] words = line.split("\\s+");
        ok(member, java.util.Arrays.copyOfRange(words, 1, words.length));
        return new dev.postern.cli.client.ConfigFile(member.posternHome()).load().orElseThrow().token();
    }

    private byte[] fetchAuthed(String path) {
        return send("GET", path, null, adminToken()).body().getBytes(StandardCharsets.UTF_8);
    }

    private int status(String method, String path, String body, String token) {
        HttpResponse<String> r = send(method, path, body, token);
        answers.add(r.body());
        return r.statusCode();
    }

    private JsonNode api(String method, String path, String body) {
        HttpResponse<String> r = send(method, path, body, adminToken());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        try {
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String token) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(plane.baseUrl() + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
            b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
