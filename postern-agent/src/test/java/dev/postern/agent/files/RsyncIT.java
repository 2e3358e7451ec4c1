package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rsync over the exec path ({@code rsync --server} through the user's shell) next to FileTransfer's command
 * factory, which must pass rsync on untouched. Uses the test exec until the agent's own exec is merged.
 */
class RsyncIT {
    @TempDir
    static Path dir;
    static TestMachine machine;
    static Path alice;

    @BeforeAll
    static void start() throws IOException {
        machine = TestMachine.start(dir);
        alice = machine.ca().issue("alice", "alice");
    }

    @AfterAll
    static void stop() throws IOException {
        machine.close();
    }

    @Test
    void archiveOfADirectoryTreeArrivesByteIdenticalAndComesBack() throws IOException {
        Path src = Files.createDirectories(dir.resolve("local/project"));
        Files.createDirectories(src.resolve("src/main"));
        Files.createDirectories(src.resolve("docs/empty"));
        Digests.randomFile(src.resolve("README"), 1_000, 1);
        Digests.randomFile(src.resolve("src/main/App.bin"), 3_000_000, 2);
        Digests.randomFile(src.resolve("src/main/tiny"), 1, 3);
        Files.createSymbolicLink(src.resolve("link"), Path.of("README"));

        ProcessResult up = rsync(src + "/", "alice@127.0.0.1:project/");
        Path back = dir.resolve("local/back");
        ProcessResult down = rsync("alice@127.0.0.1:project/", back + "/");

        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(down.exitCode()).as(down.toString()).isZero();
        Path remote = machine.aliceHome().resolve("project");
        assertSameTree(src, remote);
        assertSameTree(src, back);
        assertThat(Files.readSymbolicLink(remote.resolve("link"))).isEqualTo(Path.of("README"));
        assertThat(Digests.owner(remote.resolve("src/main/App.bin"))).isEqualTo(TestMachine.ALICE_UID);
        assertThat(machine.execCommands()).anyMatch(c -> c.startsWith("rsync --server"));
    }

    private static ProcessResult rsync(String from, String to) {
        return Processes.run(Duration.ofSeconds(120), List.of("rsync", "-a", "-e",
                machine.sshCommand(alice, "alice"), from, to), null, Map.of(), null);
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        try (Stream<Path> walk = Files.walk(expected)) {
            for (Path p : walk.toList()) {
                Path rel = expected.relativize(p);
                Path other = actual.resolve(rel.toString());
                assertThat(other).as(rel.toString()).exists();
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    assertThat(Digests.sha256(other)).as(rel.toString()).isEqualTo(Digests.sha256(p));
                }
            }
        }
    }
}
