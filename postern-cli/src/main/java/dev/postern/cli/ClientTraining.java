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
 * <pre>{@code java -XX:AOTCacheOutput=postern-client-jdk25.aot -cp postern-cli.jar dev.postern.cli.ClientTraining}</pre>
 */
public final class ClientTraining {
    /** How long the training server may take to start. */
    static final Duration SERVER_START = Duration.ofSeconds(60);
    private static final Pattern LOGIN = Pattern.compile(
            "postern auth login --server (\\S+) --token (\\S+) --fingerprint (\\S+)");
    private static final String NAME = "training";

    private ClientTraining() {
    }

    public static void main(String[] args) {
        Main.disableGroovyClosures();
        int failed;
        try {
            failed = train();
        } catch (IOException | RuntimeException e) {
            failed = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = 1;
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs the training; returns how many commands failed. */
    static int train() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("postern-client-training");
        Process server = null;
        try {
            server = startServer(dir.resolve("server"));
            Optional<Matcher> login = awaitLogin(server);
            if (login.isEmpty()) {
                return 1;
            }
            return runCommands(dir.resolve("home"), login.get().group(1), login.get().group(2), login.get().group(3));
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

    private static int runCommands(Path home, String url, String token, String fingerprint) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CliEnvironment env = new CliEnvironment(Map.of("HOME", home.toString(), "POSTERN_HOME",
                home.resolve(".postern").toString()), new ByteArrayInputStream(new byte[0]), sink, sink,
                Clock.systemUTC());
        int failed = 0;
        for (List<String> command : commands(url, token, fingerprint)) {
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
