package dev.postern.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliRunner;
import dev.postern.cli.LauncherCheckout;
import dev.postern.common.Json;
import dev.postern.ssh.OpenSshKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern ssh console} through the launcher script: the first run (a JVM) leaves a plan, later runs with the
 * same selectors go through stock OpenSSH with no JVM at all (proved by a {@code POSTERN_JAVA} that does not exist:
 * reaching the JVM path would fail on it), a command is never run twice, and a plan that is stale, loose or not for
 * these arguments is never followed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOpenSshIT {
    private static final String NO_JAVA = "/nonexistent/postern-test-java";
    private DemoPlane demo;
    private CliRunner person;
    private Path script;
    private Path work;
    private String machine;

    @BeforeAll
    void startDemo(@TempDir Path tmp) throws IOException {
        work = tmp;
        Path home = tmp.resolve("home");
        CliEnvironment env = new CliEnvironment(Map.of("HOME", home.toString(),
                "POSTERN_HOME", home.resolve(".postern").toString()), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                Clock.systemUTC());
        demo = DemoPlane.start(new DemoConfig(env, tmp.resolve("data"), 1, DemoConfig.sameJvm(), true));
        person = new CliRunner(home, Clock.systemUTC());
        script = LauncherCheckout.create(tmp.resolve("checkout"));
        JsonNode list = Json.mapper().readTree(person.run("machines", "list", "--app", "demo", "--json").out());
        machine = list.get(0).get("id").asText();
    }

    @AfterAll
    void stopDemo() {
        demo.close();
    }

    @BeforeEach
    void planFromAJvmRun() throws Exception {
        Launched first = launch(null, "ssh", "console", "--app", "demo", "--machine", machine, "-C", "true");
        assertThat(first.exit).as(first.toString()).isZero();
        assertThat(plan()).as("the JVM path left a plan").isRegularFile();
    }

    private Path plan() {
        return person.posternHome().resolve("ssh/console/plan,c=,o=,a=demo,m=" + machine + ",u=");
    }

    @Test
    @Order(1)
    void laterConsolesRunThroughOpenSshWithNoJvm() throws Exception {
        assertThat(Files.getPosixFilePermissions(plan())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(plan().getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Launched hello = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", "echo hello");
        assertThat(hello.exit).as(hello.toString()).isZero();
        assertThat(hello.out).isEqualTo("hello\n");
        assertThat(hello.err).isEmpty();
        Launched seven = launch(NO_JAVA, "ssh", "console", "--app=demo", "--machine=" + machine, "--command", "exit 7");
        assertThat(seven.exit).as(seven.toString()).isEqualTo(7);
        Launched cat = launchWithInput("piped\n", NO_JAVA, "ssh", "console", "-a", "demo", "--machine", machine,
                "-C", "cat");
        assertThat(cat.out).as(cat.toString()).isEqualTo("piped\n");
    }

    @Test
    @Order(2)
    void aCommandThatExits255IsNotRunAgain() throws Exception {
        Path ran = work.resolve("ran-255");
        Launched r = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                "echo once >> " + ran + "; exit 255");
        assertThat(r.exit).as(r.toString()).isEqualTo(255);
        assertThat(Files.readAllLines(ran)).containsExactly("once");
        assertThat(plan()).as("a remote 255 is the command's, not a broken plan").isRegularFile();
    }

    @Test
    @Order(3)
    void aPlanThatFailsBeforeLoginGivesWayToTheJvmWhichRunsTheCommandOnce() throws Exception {
        Path conf = Path.of(plan() + ".conf");
        String good = Files.readString(conf);
        Files.writeString(conf, good.replaceFirst("(?m)^  Port [0-9]+$", "  Port 1"));
        Path ran = work.resolve("ran-fallback");
        // with no Java the fallback cannot run: proves the launcher tried it, and that OpenSSH ran nothing
        Launched noJvm = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                "echo once >> " + ran);
        assertThat(noJvm.exit).as(noJvm.toString()).isNotZero();
        assertThat(noJvm.err).contains("POSTERN_JAVA");
        assertThat(ran).doesNotExist();
        assertThat(plan()).as("the failed plan is gone").doesNotExist();

        planFromAJvmRun();
        Files.writeString(conf, good.replaceFirst("(?m)^  Port [0-9]+$", "  Port 1"));
        Launched healed = launch(null, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                "echo once >> " + ran);
        assertThat(healed.exit).as(healed.toString()).isZero();
        assertThat(Files.readAllLines(ran)).containsExactly("once");
        assertThat(Files.readString(conf)).as("the JVM wrote a new plan").isEqualTo(good);
        assertThat(Files.readString(plan())).contains("failures 1");
    }

    @Test
    @Order(4)
    void aPlanIsNotFollowedWhenExpiredLooseStaleOrForOtherArguments() throws Exception {
        Path ran = work.resolve("ran-never");
        String cmd = "echo ran >> " + ran;
        String text = Files.readString(plan());

        Files.writeString(plan(), text.replaceFirst("(?m)^expires [0-9]+$", "expires 1000"));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));

        Files.writeString(plan(), text);
        Files.setPosixFilePermissions(plan(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));
        Files.setPosixFilePermissions(plan(), PosixFilePermissions.fromString("rw-------"));

        Path config = person.posternHome().resolve("config.json");
        FileTime before = Files.getLastModifiedTime(config);
        Files.setLastModifiedTime(config, FileTime.from(Instant.now().plusSeconds(5)));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));
        Files.setLastModifiedTime(config, before);

        Path cert = person.home().resolve(".ssh/id_postern-cert.pub");
        FileTime certBefore = Files.getLastModifiedTime(cert);
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));
        Files.setLastModifiedTime(cert, certBefore);

        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "--pty", "-C", cmd));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "-C", cmd)); // another machine selector
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "--org", "other",
                "-C", cmd));
        Map<String, String> other = Map.of("POSTERN_CONTEXT", "elsewhere");
        assertJvmPath(launch(NO_JAVA, other, null, "ssh", "console", "--app", "demo", "--machine", machine,
                "-C", cmd));
        assertJvmPath(launch(NO_JAVA, Map.of("POSTERN_CONSOLE_OPENSSH", "0"), null, "ssh", "console", "--app", "demo",
                "--machine", machine, "-C", cmd));
        assertThat(ran).as("no plan above may run the command").doesNotExist();

        Launched ok = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd);
        assertThat(ok.exit).as("the plan itself is still good: %s", ok).isZero();
        assertThat(Files.readAllLines(ran)).containsExactly("ran");
    }

    @Test
    @Order(5)
    void aRevokedCertificateRunsNothingThroughThePlan() throws Exception {
        String serial = String.valueOf(OpenSshKeys.readCertificate(person.home().resolve(".ssh/id_postern-cert.pub"))
                .getSerial());
        CliRunner.Result revoked = person.run("ssh", "revoke", "demo", "--serial", serial);
        assertThat(revoked.exit()).as(revoked.toString()).isZero();
        Path ran = work.resolve("ran-revoked");
        Launched r = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                "echo ran >> " + ran);
        assertThat(r.err).as("refused by the gateway before login, so the JVM path was tried").contains("POSTERN_JAVA");
        assertThat(ran).doesNotExist();
    }

    private static void assertJvmPath(Launched r) {
        assertThat(r.exit).as(r.toString()).isEqualTo(2);
        assertThat(r.err).as("the launcher went on to pick a Java").contains("POSTERN_JAVA=" + NO_JAVA);
    }

    private Launched launch(String java, String... args) throws Exception {
        return launch(java, Map.of(), null, args);
    }

    private Launched launchWithInput(String input, String java, String... args) throws Exception {
        return launch(java, Map.of(), input, args);
    }

    private Launched launch(String java, Map<String, String> extra, String input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("POSTERN_"));
        e.put("HOME", person.home().toString());
        e.put("POSTERN_HOME", person.posternHome().toString());
        e.put("JAVA_HOME", System.getProperty("java.home"));
        if (java != null) {
            e.put("POSTERN_JAVA", java);
        }
        e.putAll(new HashMap<>(extra));
        Process p = pb.start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Launched(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private record Launched(int exit, String out, String err) {
    }
}
