package dev.postern.cli;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The training run behind the client commands' class-data archive: the launcher runs it once per build and JDK with
 * {@code -XX:AOTCacheOutput} (JDK 25) or {@code -XX:ArchiveClassesAtExit} (17), so that {@code postern machines list}
 * and the other short commands start with picocli's model, Jackson, the HTTP client and TLS already loaded and
 * linked instead of loading ~4,000 classes from the jars on every run.
 *
 * <p>It starts a throwaway control plane on 127.0.0.1:0 with its self-signed TLS certificate, as a child process:
 * the server's own classes (Jetty, H2, Flyway) would otherwise go into the archive and be loaded by every client
 * command. It then runs everyday client commands through {@link Main#run} in this JVM, against that server, with a
 * throwaway home, and discards their output. Silent, bounded and never fatal: whatever fails, the archive simply
 * holds fewer classes; the exit code is 0 when every command ran.
 *
 * <p>With the argument {@code api} it trains only the commands that just ask the control plane ({@link #API_COMMANDS}),
 * for the launcher's second archive on JDK 25: an AOT cache loads and links every class it holds when the JVM starts,
 * so the ~1,400 classes of key generation, certificates and SSH that the full training adds cost {@code machines list}
 * about 75 ms of its start without ever being used there (measured: 0.65 s with the full cache, 0.575 s with one of
 * its own). Its log-in and set-up run in child JVMs, so only the listing commands' classes go in. AppCDS (JDK 17)
 * maps classes only when they are asked for, so one archive serves every command there.
 *
 * <pre>{@code java -XX:AOTCacheOutput=postern-client-jdk25.aot -cp postern-cli.jar dev.postern.cli.ClientTraining}</pre>
 */
public final class ClientTraining {
    /** How long the training server may take to start. */
    static final Duration SERVER_START = Duration.ofSeconds(60);
    private static final Pattern LOGIN = Pattern.compile(
            "postern auth login --server (\\S+) --token (\\S+) --fingerprint (\\S+)");
    private static final String NAME = "training";
    /**
     * Top-level commands that only ask the control plane: the launcher starts them from the {@code api} archive on
     * JDK 25 (the list there must match this one).
     */
    public static final List<String> API_COMMANDS = List.of("machines", "orgs", "apps", "members", "access", "tokens",
            "secrets");

    private ClientTraining() {
    }

    public static void main(String[] args) {
        Main.disableGroovyClosures();
        boolean apiOnly = args.length > 0 && args[0].equals("api");
        int failed;
        try {
            failed = train(apiOnly);
        } catch (IOException | RuntimeException e) {
            failed = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = 1;
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs the full training; returns how many commands failed. */
    static int train() throws IOException, InterruptedException {
        return train(false);
    }

    /** Runs the training, of the {@link #API_COMMANDS} only when {@code apiOnly}; returns how many commands failed. */
    static int train(boolean apiOnly) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("postern-client-training");
        Process server = null;
        try {
            server = startServer(dir.resolve("server"));
            Optional<Matcher> login = awaitLogin(server);
            if (login.isEmpty()) {
                return 1;
            }
            List<List<String>> commands = commands(login.get().group(1), login.get().group(2), login.get().group(3),
                    apiOnly);
            Path home = dir.resolve("home");
            if (!apiOnly) {
                return runCommands(commands, home);
            }
            // the log-in and the org and app it needs run in JVMs of their own: their classes (the config writer,
            // the key and certificate code behind them) would be loaded by every API command's start otherwise
            List<List<String>> setUp = commands.stream().filter(ClientTraining::setsUp).toList();
            int failed = runElsewhere(setUp, home);
            return failed + runCommands(commands.stream().filter(c -> !setsUp(c)).toList(), home);
        } finally {
            if (server != null) {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
            deleteTree(dir);
        }
    }

    /** The everyday commands, in order; their output is thrown away. */
    static List<List<String>> commands(String url, String token, String fingerprint) {
        return commands(url, token, fingerprint, false);
    }

    /**
     * The commands to train, in order: with {@code apiOnly}, those of {@link #API_COMMANDS} and the log-in and set-up
     * they need.
     */
    static List<List<String>> commands(String url, String token, String fingerprint, boolean apiOnly) {
        List<List<String>> all = everyday(url, token, fingerprint);
        if (!apiOnly) {
            return all;
        }
        return all.stream().filter(c -> API_COMMANDS.contains(c.get(0)) || c.get(0).equals("auth")
                && c.get(1).equals("login")).toList();
    }

    private static List<List<String>> everyday(String url, String token, String fingerprint) {
        return List.of(
                List.of("--version"),
                List.of("--help"),
                List.of("auth", "login", "--server", url, "--token", token, "--fingerprint", fingerprint),
                List.of("orgs", "create", NAME),
                List.of("apps", "create", NAME, "--org", NAME),
                // key generation and certificates, as 'ssh console' uses them
                List.of("ssh", "establish", NAME),
                List.of("ssh", "issue", NAME, "--dotssh"),
                List.of("orgs", "list"),
                List.of("apps", "list"),
                List.of("auth", "whoami"),
                List.of("auth", "whoami", "--json"),
                List.of("machines", "list", "--app", NAME),
                List.of("machines", "list", "--app", NAME, "--json"),
                List.of("machines", "list", "--app", NAME + "x"),
                List.of("machines", "lst"),
                List.of("auth", "list"));
    }

    /** A command the API training needs done but does not train: the log-in, the org and the app. */
    static boolean setsUp(List<String> command) {
        return command.contains("login") || command.contains("create");
    }

    /** Runs {@code commands} one by one in child JVMs (this class path, no training flags); how many failed. */
    private static int runElsewhere(List<List<String>> commands, Path home) throws IOException, InterruptedException {
        int failed = 0;
        for (List<String> command : commands) {
            List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName()));
            argv.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.environment().put("HOME", home.toString());
            pb.environment().put("POSTERN_HOME", home.resolve(".postern").toString());
            Process p = pb.start();
            if (!p.waitFor(SERVER_START.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                failed++;
            } else if (p.exitValue() != 0) {
                failed++;
            }
        }
        return failed;
    }

    private static int runCommands(List<List<String>> commands, Path home) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CliEnvironment env = new CliEnvironment(Map.of("HOME", home.toString(), "POSTERN_HOME",
                home.resolve(".postern").toString()), new ByteArrayInputStream(new byte[0]), sink, sink,
                Clock.systemUTC());
        int failed = 0;
        for (List<String> command : commands) {
            int exit = Main.run(env, command.toArray(String[]::new));
            // the mistyped ones are meant to fail (their suggestions are part of what is trained)
            boolean mistyped = command.contains("lst") || command.contains(NAME + "x");
            if ((exit != 0) != mistyped) {
                failed++;
            }
        }
        return failed;
    }

    /** The server, in a JVM of its own started like this one (same java, same class path), without training flags. */
    private static Process startServer(Path data) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server", "--data",
                data.toString(), "--http", "127.0.0.1:0", "--gateway", "off")
                .redirectErrorStream(true);
        // the JDK passes training flags to helper JVMs this way; the server must not write an archive of its own
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        return pb.start();
    }

    /** The server's "postern auth login ..." line, read within {@link #SERVER_START}; empty if it never came. */
    private static Optional<Matcher> awaitLogin(Process server) throws InterruptedException {
        CompletableFuture<Optional<Matcher>> found = new CompletableFuture<>();
        // reads every line until the server exits, so it never blocks on a full pipe
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher m = LOGIN.matcher(line);
                    if (m.find()) {
                        found.complete(Optional.of(m));
                    }
                }
            } catch (IOException e) {
                // the server is gone
            }
            found.complete(Optional.empty());
        }, "postern-training-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return found.get(SERVER_START.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
