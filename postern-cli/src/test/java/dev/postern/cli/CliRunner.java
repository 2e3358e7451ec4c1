package dev.postern.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@link Main#run} in-process for one person: their own HOME and POSTERN_HOME under a test directory,
 * so tests never touch the real ~/.postern or ~/.ssh.
 */
public final class CliRunner {
    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    private final Clock clock;

    public CliRunner(Path home, Clock clock) {
        this.home = home;
        this.clock = clock;
        env.put("HOME", home.toString());
        env.put("POSTERN_HOME", home.resolve(".postern").toString());
    }

    public Path home() {
        return home;
    }

    public Path posternHome() {
        return home.resolve(".postern");
    }

    /** The current login context's name (config.json). */
    public String context() {
        return new dev.postern.cli.client.ConfigFile(posternHome()).read().current();
    }

    /** The config {@code ssh config --app APP --org ORG --write} writes in the current context. */
    public Path sshConfig(String org, String app) {
        return dev.postern.cli.connect.ContextFiles.sshConfig(posternHome(), context(), org, app);
    }

    /** Its known_hosts. */
    public Path knownHosts(String org) {
        return dev.postern.cli.connect.ContextFiles.knownHosts(posternHome(), context(), org);
    }

    /** Sets (or with null, removes) an environment variable for later runs. */
    public CliRunner env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    /** An environment with this runner's variables and throwaway streams, for inspecting the command tree. */
    CliEnvironment environmentForTests() {
        return new CliEnvironment(env, new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), clock);
    }

    public Result run(String... args) {
        return runWithInput(new byte[0], args);
    }

    /** As {@link #run} with {@code stdin} as the command's standard input. */
    public Result runWithInput(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Main.run(new CliEnvironment(env, new ByteArrayInputStream(stdin), o, e, clock), args);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The outcome of one command line. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
