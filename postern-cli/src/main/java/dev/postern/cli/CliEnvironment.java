package dev.postern.cli;

import dev.postern.cli.client.TlsWarmup;
import dev.postern.common.EnvFlag;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a command may take from the outside world: environment variables, standard streams, the clock, and
 * the TLS handshake begun for it in the background ({@link TlsWarmup}, {@code NONE} unless {@link Main#run} began
 * one). Tests pass their own so commands run in-process without touching the real ~/.postern or ~/.ssh.
 *
 * <pre>{@code Main.run(new CliEnvironment(Map.of("HOME", tmp.toString()), System.in, out, err, clock), "orgs", "list")}</pre>
 */
public record CliEnvironment(Map<String, String> variables, InputStream in, PrintStream out, PrintStream err,
                             Clock clock, TlsWarmup warmup) {
    public CliEnvironment {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(warmup, "warmup");
    }

    public CliEnvironment(Map<String, String> variables, InputStream in, PrintStream out, PrintStream err,
            Clock clock) {
        this(variables, in, out, err, clock, TlsWarmup.NONE);
    }

    /** This environment with {@code warmup}'s handshake for its commands' requests. */
    public CliEnvironment withWarmup(TlsWarmup warmup) {
        return new CliEnvironment(variables, in, out, err, clock, warmup);
    }

    /** The environment of this process: its variables, System streams and the system clock. */
    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), System.in, System.out, System.err, Clock.systemUTC());
    }

    /** A variable's value; empty when unset or blank. */
    public Optional<String> variable(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** The person's home directory ({@code HOME}, else the JVM's user.home). */
    public Path home() {
        return Path.of(variable("HOME").orElse(System.getProperty("user.home")));
    }

    /** Where the client keeps its config: {@code POSTERN_HOME}, default {@code ~/.postern}. */
    public Path posternHome() {
        return variable("POSTERN_HOME").map(Path::of).orElse(home().resolve(".postern"));
    }

    /**
     * True when {@code POSTERN_DEBUG} asks for stack traces ({@code 1} or {@code true}).
     *
     * @throws IllegalArgumentException when it is set to anything else, naming the accepted values
     */
    public boolean debug() {
        return EnvFlag.isOn("POSTERN_DEBUG", variables.get("POSTERN_DEBUG"));
    }

    /**
     * Expands a leading {@code ~/} (for paths that reached us quoted, so the shell did not) and makes the
     * path absolute, without {@code .} segments ({@code sftp get}'s default LOCAL {@code .} named files
     * {@code /home/me/./a.txt}). {@code ..} is kept: dropping it with the name before it is wrong when that
     * name is a symbolic link.
     */
    public Path expandPath(String text) {
        if (text.equals("~")) {
            return home();
        }
        if (text.startsWith("~/")) {
            return absoluteWithoutDots(home().resolve(text.substring(2)));
        }
        return absoluteWithoutDots(Path.of(text));
    }

    private static Path absoluteWithoutDots(Path path) {
        Path absolute = path.toAbsolutePath();
        Path out = absolute.getRoot();
        for (Path name : absolute) {
            if (!name.toString().equals(".")) {
                out = out.resolve(name);
            }
        }
        return out;
    }
}
