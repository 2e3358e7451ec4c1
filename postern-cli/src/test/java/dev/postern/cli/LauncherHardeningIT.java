package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code postern} launcher, copied into a built-looking repository with a stand-in JDK whose java prints
 * what it was given, started as root.
 */
class LauncherHardeningIT {
    @TempDir
    Path dir;

    /**
     * The attacker is any local user: the launcher's lock used to be a file of a predictable name in
     * {@code $TMPDIR} (/tmp), opened with {@code >} (create, truncate, follow symlinks), so a symlink planted there
     * made root truncate any file on its next {@code postern agent}.
     */
    @Test
    void aSymlinkPlantedInTmpDirIsNeverOpenedOrTruncatedByRootsLauncher() throws IOException {
        Path launcher = fakeRepository();
        Path repo = launcher.getParent();
        Path jdk = dir.resolve("jdk/bin");
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path victim = Files.writeString(dir.resolve("shadow"), "root:$6$hash:19000::::::\n");
        // every name the launcher could pick there: lock files carry the uid and a checksum of the repo path
        String sum = Processes.run(Duration.ofSeconds(10), List.of("sh", "-c", "printf '%s' \"$0\" | cksum | cut -d' '"
                + " -f1", repo.toString())).stdout().trim();
        Files.createSymbolicLink(tmp.resolve("postern-launcher-0-" + sum + ".lock"), victim);

        for (String command : List.of("agent --help", "version")) {
            ProcessResult r = Processes.run(Duration.ofSeconds(30), List.of("bash", launcher.toString(), command),
                    null, Map.of("POSTERN_JAVA", jdk.getParent().toString(), "TMPDIR", tmp.toString()), dir);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).as(r.toString()).contains("java ran");
            assertThat(victim).as("the file behind the symlink, after " + command).hasContent(
                    "root:$6$hash:19000::::::\n");
        }
    }

    /**
     * Variables the launcher sets for itself must not reach the agent, whose entrypoint and sessions inherit what
     * the agent was given (less POSTERN_* and the names in POSTERN_LAUNCHER_ENV): JAVA_HOME, which the launcher
     * exported for Maven, changed the application's Java.
     */
    @Test
    void theLaunchersJavaHomeIsForMavenOnlyAndNeverReachesTheAgent() throws IOException {
        Path launcher = fakeRepository();

        ProcessResult r = Processes.run(Duration.ofSeconds(30), List.of("env", "-u", "JAVA_HOME", "bash",
                launcher.toString(), "agent", "--help"), null, Map.of("POSTERN_JAVA", dir.resolve("jdk").toString()),
                dir);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString()).contains("java ran").contains("JAVA_HOME=unset");
    }

    /** A repository whose jar is built and newer than its sources, and a JDK 17 stand-in at dir/jdk. */
    private Path fakeRepository() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path script = Path.of("").toAbsolutePath().getParent().resolve("postern");
        Path launcher = Files.copy(script, repo.resolve("postern"));
        Files.createDirectories(repo.resolve("postern-cli/target/lib"));
        Files.writeString(repo.resolve("postern-cli/target/postern-cli-0.1.0-SNAPSHOT.jar"), "built");
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(jdk.resolveSibling("release"), "JAVA_VERSION=\"17.0.9\"\n");
        for (String tool : List.of("java", "javac")) {
            Files.writeString(jdk.resolve(tool), "#!/bin/sh\necho \"$(basename \"$0\") ran\"\n"
                    + "echo \"JAVA_HOME=${JAVA_HOME-unset}\"\n");
            Files.setPosixFilePermissions(jdk.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return launcher;
    }
}
