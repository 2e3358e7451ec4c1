package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.netns.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One person's {@code postern} at a host of a test network: each command a fresh JVM inside the host
 * ({@code ip netns exec}), with its own HOME and POSTERN_HOME, as a person at that computer would type it.
 */
final class HostCli {
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(90);
    private final Host host;
    private final Path home;
    private final Map<String, String> env = new HashMap<>();

    HostCli(Host host, Path home, Map<String, String> extraEnv) {
        this.host = host;
        this.home = home;
        env.put("HOME", home.toString());
        env.put("POSTERN_HOME", posternHome().toString());
        env.putAll(extraEnv);
    }

    Path home() {
        return home;
    }

    Path posternHome() {
        return home.resolve(".postern");
    }

    /** Runs {@code postern ARGS} inside the host. */
    ProcessResult run(String... args) {
        return host.run(COMMAND_LIMIT, env, java(List.of("-XX:TieredStopAtLevel=1", "-Xmx128m"), args));
    }

    /** Runs a command that must succeed; returns its stdout. */
    String ok(String... args) {
        ProcessResult r = run(args);
        assertThat(r.exitCode()).as("postern " + String.join(" ", args) + " at " + host.name() + "\n" + r).isZero();
        return r.stdout();
    }

    /** Runs any program (ssh, scp, rsync) inside the host with this person's environment. */
    ProcessResult exec(String... command) {
        return host.run(COMMAND_LIMIT, env, List.of(command));
    }

    /** The command line of {@code java [jvmOptions] -cp <this test's class path> dev.postern.cli.Main ARGS}. */
    static List<String> java(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
