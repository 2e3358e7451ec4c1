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
}
