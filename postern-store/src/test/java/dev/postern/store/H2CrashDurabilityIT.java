package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit acknowledged by the embedded H2 store survives a kill -9 of the JVM a moment later. Without
 * {@code WRITE_DELAY=0} in {@link StoreConfig#h2} H2 writes commits up to a second late and loses them.
 */
class H2CrashDurabilityIT {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void commitsAcknowledgedBeforeKillMinusNineAreThereAfterReopen(@TempDir Path dir) throws Exception {
        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        Path data = Files.createDirectories(dir.resolve("data"));
        Process child = new ProcessBuilder(javaExecutable(), "-cp", testClasspath(), H2CrashChild.class.getName(),
                data.toString())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            // The child's stdout goes to a file so that nothing it printed is lost when it is killed.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged(stdout).size() < 200) {
                assertThat(child.isAlive()).as("child alive; stderr: %s", Files.readString(stderr)).isTrue();
                assertThat(System.nanoTime()).as("200 commits within 60 s").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child died").isTrue();
        List<Long> acknowledged = acknowledged(stdout);

        try (JdbcStore store = JdbcStore.open(StoreConfig.h2(data))) {
            long orgId = store.orgs().byName("acme").orElseThrow().id();
            List<Long> stored = store.certificates().forOrg(orgId).stream().map(IssuedCertificate::serial).toList();
            assertThat(stored).containsAll(acknowledged);
            long last = acknowledged.get(acknowledged.size() - 1);
            assertThat(store.certificates().nextSerial()).as("serial after the crash").isGreaterThan(last);
        }
    }

    /** Serials on complete "committed N" lines: each was printed only after its commit returned. */
    private static List<Long> acknowledged(Path stdout) throws IOException {
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        List<Long> serials = new ArrayList<>();
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (line.startsWith("committed ")) {
                serials.add(Long.parseLong(line.substring("committed ".length())));
            }
        }
        return serials;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire may put only a manifest jar on java.class.path; it also publishes the real one. */
    static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        assertThat(cp).as("test classpath").contains(File.pathSeparator);
        return cp;
    }

}
