package dev.postern.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliRunner;
import dev.postern.cli.Main;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.cli.connect.PlanFiles;
import dev.postern.common.Json;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern demo} followed by what its users do next: {@code ssh console}, {@code proxy}, against two real
 * agent processes behind the gateway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoConsoleIT {
    private DemoPlane demo;
    private CliRunner person;

    @BeforeAll
    void startDemo(@TempDir Path tmp) {
        Path home = tmp.resolve("home");
        CliEnvironment env = new CliEnvironment(Map.of("HOME", home.toString(),
                "POSTERN_HOME", home.resolve(".postern").toString()), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                Clock.systemUTC());
        demo = DemoPlane.start(new DemoConfig(env, tmp.resolve("data"), 2, DemoConfig.sameJvm(), true));
        assertThat(demo.notes()).as("every demo machine came online").noneMatch(n -> n.contains("online"));
        person = new CliRunner(home, Clock.systemUTC());
    }

    @AfterAll
    void stopDemo() throws IOException {
        // a console leaves the launcher a plan of the demo's context; another context has one too
        CliRunner.Result console = person.run("ssh", "console", "--app", "demo", "-C", "true");
        assertThat(console.exit()).as(console.toString()).isZero();
        Path plans = PlanFiles.dir(person.posternHome());
        Path plan = plans.resolve("plan,c=,o=,a=demo,m=,u=");
        assertThat(Files.readString(plan)).contains("\ncontext " + demo.contextName() + "\n");
        Path other = Files.writeString(plans.resolve("plan,c=,o=,a=web,m=,u="), Files.readString(plan)
                .replace("\ncontext " + demo.contextName() + "\n", "\ncontext prod\n"));
        demo.close();
        assertThat(demo.agents()).as("no agent left running").noneMatch(Process::isAlive);
        // before: a stopped demo's plans stayed, one per selectors, naming a server that is gone
        try (Stream<Path> left = Files.list(plans)) {
            assertThat(left).as("only the other context's plan").containsExactly(other);
        }
    }

    private List<String> machineIds() throws IOException {
        CliRunner.Result list = person.run("machines", "list", "--app", "demo", "--json");
        assertThat(list.exit()).as(list.toString()).isZero();
        List<String> ids = new ArrayList<>();
        for (JsonNode m : Json.mapper().readTree(list.out())) {
            ids.add(m.get("id").asText());
        }
        return ids;
    }

    @Test
    void consoleRunsACommandOnAnyMachine() {
        CliRunner.Result r = person.run("ssh", "console", "--app", "demo", "-C", "hostname");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isNotBlank();
    }

    @Test
    void theStockSshLineTheDemoPrintsReachesItsMachines() throws IOException {
        // the demo prints 'ssh -F CONFIG root@<id>.vm.demo.internal.<label>': every machine that joined at start
        // must have its Host block in that config, so the line works without another 'ssh config --write'
        String label = ContextFiles.label(demo.contextName());
        for (JsonNode m : Json.mapper().readTree(person.run("machines", "list", "--app", "demo", "--json").out())) {
            if (!m.get("state").asText().equals("online")) {
                continue; // another test stops a machine
            }
            String id = m.get("id").asText();
            ProcessResult r = Processes.run(Duration.ofSeconds(30), List.of("ssh", "-F", demo.sshConfig().toString(),
                    "-o", "BatchMode=yes", "root@" + id + ".vm.demo.internal." + label, "echo", "reached"));
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("reached\n");
        }
        // short names are off for the demo too: only names with its label
        assertThat(java.nio.file.Files.readAllLines(demo.sshConfig()).stream().filter(l -> l.startsWith("Host ")))
                .isNotEmpty().allMatch(l -> l.endsWith("." + label));
    }

    @Test
    void consoleReturnsTheRemoteExitCodeAndPipesStdin() throws IOException {
        String id = machineIds().get(0);
        CliRunner.Result seven = person.run("ssh", "console", "--app", "demo", "--machine", id, "-C", "exit 7");
        assertThat(seven.exit()).as(seven.toString()).isEqualTo(7);
        CliRunner.Result cat = person.runWithInput("hi\n".getBytes(StandardCharsets.UTF_8), "ssh", "console", "--app",
                "demo", "--machine", id, "-C", "cat");
        assertThat(cat.exit()).as(cat.toString()).isZero();
        assertThat(cat.out()).isEqualTo("hi\n");
    }

    @Test
    void proxyReachesATcpServiceOnTheMachinesLoopback() throws Exception {
        String id = machineIds().get(0);
        try (ServerSocket service = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = service.accept()) {
                    s.getOutputStream().write("hello from the machine\n".getBytes(StandardCharsets.UTF_8));
                    s.getInputStream().read(); // until the client hangs up
                } catch (IOException ignored) {
                    // the test fails on its own read
                }
            });
            server.start();
            int local;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                local = probe.getLocalPort();
            }
            List<String> cmd = new ArrayList<>(DemoConfig.sameJvm());
            cmd.addAll(List.of(Main.class.getName(), "proxy", local + ":" + service.getLocalPort(), "--app", "demo",
                    "--machine", id));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("HOME", person.home().toString());
            pb.environment().put("POSTERN_HOME", person.posternHome().toString());
            Process proxy = pb.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(),
                        StandardCharsets.UTF_8));
                String line = out.readLine();
                assertThat(line).as("proxy announces its forward").startsWith("Forwarding");
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), local)) {
                    s.setSoTimeout(20_000);
                    assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                            .readLine()).isEqualTo("hello from the machine");
                }
            } finally {
                proxy.destroy();
                proxy.waitFor(10, TimeUnit.SECONDS);
            }
            server.join(Duration.ofSeconds(10).toMillis());
        }
    }

    @Test
    void anOfflineMachineIsNamedNeverReplaced() throws Exception {
        List<String> before = machineIds();
        Process second = demo.agents().get(1);
        second.destroy();
        assertThat(second.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String offline = null;
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (offline == null && System.nanoTime() < end) {
            for (JsonNode m : Json.mapper().readTree(person.run("machines", "list", "--app", "demo", "--json").out())) {
                if (m.get("state").asText().equals("offline")) {
                    offline = m.get("id").asText();
                }
            }
            Thread.sleep(200);
        }
        assertThat(offline).as("a machine went offline").isNotNull().isIn(before);
        CliRunner.Result r = person.run("ssh", "console", "--app", "demo", "--machine", offline, "-C", "true");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains(offline, "offline");
    }

    @Test
    void aMachinesFileNamesReachTheTerminalEscaped(@TempDir Path dir) throws IOException {
        String id = machineIds().get(0);
        // a hostile machine (or anyone who can write there) names a file with escape sequences and a newline
        CliRunner.Result made = person.run("ssh", "console", "--app", "demo", "--machine", id, "-C",
                "touch \"" + dir + "/$(printf 'a\\033]0;owned\\007\\033[2J\\nb')\"");
        assertThat(made.exit()).as(made.toString()).isZero();
        CliRunner.Result found = person.run("ssh", "sftp", "find", "--app", "demo", "--machine", id, dir.toString());
        assertThat(found.exit()).as(found.toString()).isZero();
        assertThat(found.out()).doesNotContain("\u001b").doesNotContain("\u0007")
                .contains(dir + "/a\\e]0;owned\\u0007\\e[2J\\nb");
        assertThat(found.out().lines()).hasSize(2);
    }
}
