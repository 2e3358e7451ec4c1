package dev.postern.cli.daemon;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Before it takes its first request, the daemon runs a few commands against an empty home of its own (no login:
 * nothing is sent anywhere), so picocli's model, the config reader and Jackson are loaded and warm when the
 * person's second command arrives, instead of making that one slow.
 */
final class DaemonWarmup {
    private static final List<List<String>> COMMANDS = List.of(List.of("--help"),
            List.of("machines", "list", "--app", "warmup"), List.of("machines", "list", "--app", "warmup", "--json"),
            List.of("orgs", "list"), List.of("apps", "list"), List.of("auth", "whoami"));

    private DaemonWarmup() {
    }

    static void run(RunDir run) {
        Path home = null;
        try {
            home = Files.createTempDirectory(run.dir(), "warmup");
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true);
            CliEnvironment env = new CliEnvironment(Map.of("HOME", home.toString(), "POSTERN_HOME",
                    home.resolve(".postern").toString()), new ByteArrayInputStream(new byte[0]), sink, sink,
                    Clock.systemUTC());
            for (int round = 0; round < 3; round++) {
                for (List<String> command : COMMANDS) {
                    Main.run(env, command.toArray(String[]::new));
                }
            }
        } catch (IOException | RuntimeException e) {
            // a cold daemon still serves
        } finally {
            if (home != null) {
                try (Stream<Path> paths = Files.walk(home)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a leftover temp dir in run/ is harmless
                }
            }
        }
    }
}
