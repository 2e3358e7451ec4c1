package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code postern} launcher script itself, on a checkout laid out in a temporary directory (the script, and a
 * jar whose manifest points at this build's classes), so no Maven build runs inside the test: agents started at the
 * same moment all come up, whichever archive state they find; JDK selection honours POSTERN_JAVA and JAVA_HOME.
 */
class LauncherIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String CA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFhgqGlYc4hCqIj1zrDPcfGfazjBHWExplSzSFLXSybD x";
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    @TempDir
    Path dir;

    private Path checkout() throws IOException {
        return LauncherCheckout.create(dir);
    }

    private List<Process> startAgents(Path script, int n, Map<String, String> env) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pub"), CA + "\n");
        List<Process> agents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProcessBuilder pb = new ProcessBuilder(script.toString(), "agent", "--trusted-user-ca", ca.toString(),
                    "--listen", "127.0.0.1:0", "--data", dir.resolve("data" + i).toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("agent" + i + ".log").toFile());
            pb.environment().remove("POSTERN_JAVA_OPTS");
            pb.environment().putAll(env);
            agents.add(pb.start());
        }
        return agents;
    }

    private void awaitAllListening(List<Process> agents) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            for (int i = 0; i < agents.size(); i++) {
                Path log = dir.resolve("agent" + i + ".log");
                while (!Files.readString(log).contains("postern agent listening")) {
                    assertThat(agents.get(i).isAlive()).as("agent %d died: %s", i, Files.readString(log)).isTrue();
                    assertThat(System.nanoTime()).as("agent %d never listened: %s", i, Files.readString(log))
                            .isLessThan(deadline);
                    Thread.sleep(50);
                }
                assertThat(Files.readString(log)).doesNotContain("cannot stat", "mv:", "rm:", "Error");
            }
        } finally {
            for (Process p : agents) {
                p.destroy();
            }
            for (Process p : agents) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void agentsStartedTogetherAllComeUpWhileArchivesAreAdopted() throws Exception {
        Path script = checkout();
        Path target = script.resolveSibling("postern-cli/target");
        String version = Runtime.version().feature() + "";
        // archives that earlier agents left for adoption, newer than the jar: every launcher wants to adopt one
        for (int i = 0; i < 3; i++) {
            Path left = target.resolve("postern-agent-jdk" + version + ".jsa." + (1000 + i) + ".new");
            Files.write(left, new byte[] {1, 2, 3});
            Files.setLastModifiedTime(left, FileTime.from(Instant.now().plusSeconds(60 + i)));
        }
        awaitAllListening(startAgents(script, 4, Map.of("JAVA_HOME", System.getProperty("java.home"))));
    }

    @Test
    void onJdk25AgentsStartedTogetherAllComeUpWhileOneTrainsTheAotCache() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 here");
        Path script = checkout();
        awaitAllListening(startAgents(script, 3, Map.of("POSTERN_JAVA", JDK25.toString())));
        // the next start finds the cache made by the training run, named by JDK version
        assertThat(script.resolveSibling("postern-cli/target/postern-agent-jdk25.aot")).isNotEmptyFile();
    }

    /** The client archive's name for the JDK at {@code home} (feature version {@code version}). */
    private static Path clientArchive(Path script, int version) {
        return script.resolveSibling("postern-cli/target/postern-client-jdk" + version + (version >= 25 ? ".aot" : ".jsa"));
    }

    /** {@code postern --version} started {@code n} times at once through the launcher; all must succeed, silently. */
    private void versionsAtOnce(Path script, int n, Map<String, String> env) throws Exception {
        List<Process> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProcessBuilder pb = new ProcessBuilder(script.toString(), "--version")
                    .redirectOutput(dir.resolve("version" + i + ".out").toFile())
                    .redirectError(dir.resolve("version" + i + ".err").toFile());
            pb.environment().remove("POSTERN_JAVA_OPTS");
            pb.environment().remove("JAVA_HOME");
            pb.environment().putAll(env);
            runs.add(pb.start());
        }
        for (int i = 0; i < n; i++) {
            Process p = runs.get(i);
            if (!p.waitFor(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            String err = Files.readString(dir.resolve("version" + i + ".err"));
            assertThat(p.exitValue()).as("run %d: %s", i, err).isZero();
            assertThat(Files.readString(dir.resolve("version" + i + ".out"))).isEqualTo("postern 0.1.0-SNAPSHOT\n");
            assertThat(err).as("run %d prints nothing but the version", i).isEmpty();
        }
    }

    @Test
    void clientCommandsStartedTogetherAllSucceedWhileOneTrainsTheClientArchiveNamedByJdk() throws Exception {
        Path script = checkout();
        int version = Runtime.version().feature();
        versionsAtOnce(script, 3, Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertThat(clientArchive(script, version)).isNotEmptyFile();
        try (Stream<Path> left = Files.list(script.resolveSibling("postern-cli/target"))) {
            assertThat(left.map(Path::toString)).as("no half-made archive left").noneMatch(n -> n.endsWith(".new"));
        }
        // and the next run starts from it
        versionsAtOnce(script, 1, Map.of("JAVA_HOME", System.getProperty("java.home")));
    }

    @Test
    void aForeignOrCorruptClientArchiveIsIgnoredSilentlyAndAStaleOneIsRetrained() throws Exception {
        Path script = checkout();
        int version = Runtime.version().feature();
        Path archive = clientArchive(script, version);
        byte[] garbage = new byte[4096];
        new java.util.Random(1).nextBytes(garbage);
        Files.write(archive, garbage);
        // newer than the jar: the launcher takes it for fresh and the JVM must refuse it without a word
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(60)));
        versionsAtOnce(script, 1, Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertThat(archive).hasBinaryContent(garbage);

        // the empty file a failed training leaves: never used, and no command trains again (and waits) until a build
        Files.write(archive, new byte[0]);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(60)));
        versionsAtOnce(script, 1, Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertThat(archive).isEmptyFile();

        // older than the jar (a rebuild since): made again by the next client command
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(3600)));
        versionsAtOnce(script, 1, Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertThat(Files.readAllBytes(archive)).isNotEqualTo(garbage);
        assertThat(Files.size(archive)).isGreaterThan(1 << 20);
    }

    @Test
    void onJdk25ClientCommandsStartedTogetherAllSucceedAndTheAotCacheIsMade() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 here");
        Path script = checkout();
        versionsAtOnce(script, 3, Map.of("POSTERN_JAVA", JDK25.toString()));
        assertThat(clientArchive(script, 25)).isNotEmptyFile();
        assertThat(clientArchive(script, 17)).as("named by JDK version: no other JDK's archive").doesNotExist();
        versionsAtOnce(script, 2, Map.of("POSTERN_JAVA", JDK25.toString()));
    }
    /**
     * On JDK 25 client commands and transfers are started with {@code -XX:UserThreadWaitAttemptsAtExit=0}: without it
     * every such JVM waits ~0.3 s at exit for the HTTP client's selector and MINA's I/O threads, which are blocked in
     * native code. (On 17, which has no such flag, the suite's other launcher runs would fail if it were passed.)
     */
    @Test
    void onJdk25ClientCommandsAndTransfersDoNotWaitAtExitForThreadsBlockedInNativeCode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 here");
        Path script = checkout();
        Path calls = dir.resolve("java-calls");
        Path jdk = recordingJdk25("jdk25", calls);
        // the empty archive a failed training leaves: fresh, so no training run joins the calls recorded here
        Path archive = clientArchive(script, 25);
        Files.write(archive, new byte[0]);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(60)));

        versionsAtOnce(script, 1, Map.of("POSTERN_JAVA", jdk.toString()));
        ProcessBuilder help = new ProcessBuilder(script.toString(), "ssh", "sftp", "--help")
                .redirectErrorStream(true).redirectOutput(dir.resolve("sftp-help.out").toFile());
        help.environment().remove("POSTERN_JAVA_OPTS");
        help.environment().put("POSTERN_JAVA", jdk.toString());
        Process p = help.start();
        assertThat(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("sftp-help.out"))).isZero();

        List<String> lines = Files.readAllLines(calls);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).endsWith("--version").contains("-XX:UserThreadWaitAttemptsAtExit=0");
        assertThat(lines.get(1)).endsWith("ssh sftp --help").contains("-XX:UserThreadWaitAttemptsAtExit=0");
    }
    /**
     * On JDK 25 the commands that only ask the control plane start from an AOT cache trained on them alone (an AOT
     * cache loads all its classes at start: the full one's SSH and key classes cost {@code machines list} time it never
     * uses them for); every other client command from the full one. The launcher's list must be ClientTraining's.
     */
    @Test
    void onJdk25ApiCommandsStartFromTheirOwnAotCache() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 here");
        Path script = checkout();
        Path calls = dir.resolve("java-calls-api");
        Path jdk = recordingJdk25("jdk25-api", calls);
        // the first of each kind trains its cache (as a build would)
        launch(script, jdk, "--version");
        launch(script, jdk, "machines list");
        Path full = clientArchive(script, 25);
        Path api = script.resolveSibling("postern-cli/target/postern-api-jdk25.aot");
        assertThat(full).isNotEmptyFile();
        assertThat(api).isNotEmptyFile();
        Files.deleteIfExists(calls);

        List<String> commands = new ArrayList<>(ClientTraining.API_COMMANDS.stream().map(c -> c + " list").toList());
        commands.addAll(List.of("auth whoami", "ssh config --help", "--version"));
        for (String command : commands) {
            launch(script, jdk, command);
        }
        List<String> lines = Files.readAllLines(calls);
        assertThat(lines).as("one JVM per command, no training").hasSize(commands.size());
        for (int i = 0; i < commands.size(); i++) {
            boolean apiCommand = i < ClientTraining.API_COMMANDS.size();
            assertThat(lines.get(i)).as(commands.get(i)).endsWith(commands.get(i))
                    .contains("-XX:AOTCache=" + (apiCommand ? api : full));
        }
    }

    /** A JDK home ({@code dir/name}) whose java appends each invocation's arguments to {@code calls}, then runs JDK 25. */
    private Path recordingJdk25(String name, Path calls) throws IOException {
        Path jdk = Files.createDirectories(dir.resolve(name + "/bin")).getParent();
        Files.copy(JDK25.resolve("release"), jdk.resolve("release"));
        Path java = Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\nprintf '%s\\n' \"$*\" >>'" + calls
                + "'\nexec '" + JDK25.resolve("bin/java") + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        return jdk;
    }

    /** Runs {@code command} (words split at spaces) through the launcher with {@code jdk}, in a home of its own. */
    private void launch(Path script, Path jdk, String command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(script.toString()));
        argv.addAll(List.of(command.split(" ")));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("launch.out").toFile());
        pb.environment().remove("POSTERN_JAVA_OPTS");
        pb.environment().remove("POSTERN_HOME");
        pb.environment().put("POSTERN_JAVA", jdk.toString());
        pb.environment().put("HOME", dir.resolve("launch-home").toString());
        Process p = pb.start();
        assertThat(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(command).isTrue();
    }

    /** A POSTERN_JAVA that is neither a java binary nor a JDK home is refused, never replaced by some other java. */
    @Test
    void aPosternJavaThatIsNoJavaIsRefusedNamingIt() throws Exception {
        Path script = checkout();
        // before: /nonexistent was taken for a binary, and two dirnames of it, "/", for its JDK home: /bin/java ran
        for (String bad : new String[] {"/nonexistent", dir.toString(), "/etc/hostname"}) {
            ProcessBuilder pb = new ProcessBuilder(script.toString(), "--version").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("bad-java.out").toFile());
            pb.environment().put("POSTERN_JAVA", bad);
            Process p = pb.start();
            assertThat(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(bad).isEqualTo(2);
            assertThat(Files.readString(dir.resolve("bad-java.out"))).as(bad)
                    .isEqualTo("postern: POSTERN_JAVA=" + bad + " is not a java binary or a JDK home\n");
        }
    }
}
