package dev.postern.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliRunner;
import dev.postern.cli.LauncherCheckout;
import dev.postern.common.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A one-machine demo plane, a person logged in to it, and the launcher script in a checkout of its own
 * ({@link LauncherCheckout}): what the tests of the launcher's OpenSSH plans (console and sftp get) run against.
 */
final class PlannedDemo implements AutoCloseable {
    /** A POSTERN_JAVA that is no java: the launcher stops with exit 2 naming it, so a run that got there ran no JVM. */
    static final String NO_JAVA = "/nonexistent/postern-test-java";

    final CliRunner person;
    final Path script;
    final String machine;
    private final DemoPlane demo;

    private PlannedDemo(DemoPlane demo, CliRunner person, Path script, String machine) {
        this.demo = demo;
        this.person = person;
        this.script = script;
        this.machine = machine;
    }

    static PlannedDemo start(Path tmp) throws IOException {
        Path home = tmp.resolve("home");
        CliEnvironment env = new CliEnvironment(Map.of("HOME", home.toString(),
                "POSTERN_HOME", home.resolve(".postern").toString()), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                Clock.systemUTC());
        DemoPlane demo = DemoPlane.start(new DemoConfig(env, tmp.resolve("data"), 1, DemoConfig.sameJvm(), true));
        CliRunner person = new CliRunner(home, Clock.systemUTC());
        Path script = LauncherCheckout.create(tmp.resolve("checkout"));
        JsonNode list = Json.mapper().readTree(person.run("machines", "list", "--app", "demo", "--json").out());
        return new PlannedDemo(demo, person, script, list.get(0).get("id").asText());
    }

    /** The plan file of app demo and this machine, no other selector. */
    Path plan() {
        return person.posternHome().resolve("ssh/console/plan,c=,o=,a=demo,m=" + machine + ",u=");
    }

    /**
     * Runs the launcher with {@code args} as the person, in {@code dir} (null: this process's), with {@code java} as
     * POSTERN_JAVA (null: none), {@code extra} environment and {@code input} on stdin (null: none); every other
     * POSTERN_* variable of this process is left out.
     */
    Launched launch(Path dir, String java, Map<String, String> extra, String input, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(args);
        try {
            Process p = builder(dir, java, extra, cmd).start();
            if (input != null) {
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException ex) {
                    return new byte[0];
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Launched(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code command} (whole, e.g. the script or setsid and the script) with the environment {@link #launch} gives. */
    ProcessBuilder builder(Path dir, String java, Map<String, String> extra, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("POSTERN_"));
        e.put("HOME", person.home().toString());
        e.put("POSTERN_HOME", person.posternHome().toString());
        e.put("JAVA_HOME", System.getProperty("java.home"));
        // not these tests' subject (DaemonLauncherIT's): no CLI daemon left starting in the background
        e.put("POSTERN_DAEMON", "0");
        if (java != null) {
            e.put("POSTERN_JAVA", java);
        }
        e.putAll(extra);
        return pb;
    }

    @Override
    public void close() {
        demo.close();
    }

    /** A launcher run's exit code and output. */
    record Launched(int exit, String out, String err) {
    }
}
