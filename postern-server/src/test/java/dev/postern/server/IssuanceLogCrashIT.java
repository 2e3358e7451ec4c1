package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.store.AuditEvent;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.JdbcStore;
import dev.postern.store.StoreConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the group-committing {@link IssuanceLog} acknowledged survives a kill -9 of the JVM in the middle of
 * concurrent issuing: every acknowledged serial is in the certificate log afterwards, with its audit event.
 */
class IssuanceLogCrashIT {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyAcknowledgedCertificateSurvivesKillMinusNine(@TempDir Path dir) throws Exception {
        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        Path data = Files.createDirectories(dir.resolve("data"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", testClasspath(), IssuanceLogCrashChild.class.getName(), data.toString())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            // stdout goes to a file so that nothing the child printed is lost when it is killed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (acknowledged(stdout).size() < 500) {
                assertThat(child.isAlive()).as("child alive; stderr: %s", Files.readString(stderr)).isTrue();
                assertThat(System.nanoTime()).as("500 acknowledged within 90 s").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child died").isTrue();
        List<Long> acknowledged = acknowledged(stdout);

        try (JdbcStore store = JdbcStore.open(StoreConfig.h2(data))) {
            long orgId = store.orgs().byName("acme").orElseThrow().id();
            Set<Long> logged = new HashSet<>();
            store.certificates().forOrg(orgId).stream().map(IssuedCertificate::serial).forEach(logged::add);
            assertThat(logged).containsAll(acknowledged);
            Set<String> audited = new HashSet<>();
            store.audit().list("acme", 100_000).stream().map(AuditEvent::target).forEach(audited::add);
            assertThat(audited).containsAll(acknowledged.stream().map(s -> "k" + s).toList());
            assertThat(store.certificates().nextSerial()).as("serial after the crash")
                    .isGreaterThan(acknowledged.stream().mapToLong(Long::longValue).max().orElseThrow());
        }
    }

    /** Serials on complete "acknowledged N" lines: each was printed only after its append returned. */
    private static List<Long> acknowledged(Path stdout) throws IOException {
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        List<Long> serials = new ArrayList<>();
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (line.startsWith("acknowledged ")) {
                serials.add(Long.parseLong(line.substring("acknowledged ".length())));
            }
        }
        return serials;
    }

    /** Surefire may put only a manifest jar on java.class.path; it also publishes the real one. */
    private static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        assertThat(cp).as("test classpath").contains(File.pathSeparator);
        return cp;
    }
}
