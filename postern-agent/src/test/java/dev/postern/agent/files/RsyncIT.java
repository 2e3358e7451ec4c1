package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * rsync over the real agent's exec path ({@code rsync --server} through alice's shell, as alice), next to
 * FileTransfer's command factory, which must pass rsync on untouched.
 */
class RsyncIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static Path alice;

    @BeforeAll
    static void start() {
        fx = new AgentFixture(dir, TestUsers.withAlice(dir));
        alice = fx.cert("alice");
    }

    @AfterAll
    static void stop() {
        fx.close();
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
        Logger audit = (Logger) LoggerFactory.getLogger("postern.audit");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        ProcessResult up;
        ProcessResult down;
        Path back = dir.resolve("local/back");
        try {
            up = rsync(src + "/", "127.0.0.1:project/");
            down = rsync("127.0.0.1:project/", back + "/");
        } finally {
            audit.detachAppender(lines);
        }

        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(down.exitCode()).as(down.toString()).isZero();
        Path remote = TestUsers.aliceHome(dir).resolve("project");
        assertSameTree(src, remote);
        assertSameTree(src, back);
        assertThat(Files.readSymbolicLink(remote.resolve("link"))).isEqualTo(Path.of("README"));
        assertThat(Digests.owner(remote.resolve("src/main/App.bin"))).isEqualTo(TestUsers.ALICE_UID);
        assertThat(lines.list).map(ILoggingEvent::getFormattedMessage)
                .anyMatch(l -> l.startsWith("{\"event\":\"session.start\"") && l.contains("\"command\":\"rsync --server"));
    }

    private static ProcessResult rsync(String from, String to) {
        return Processes.run(Duration.ofSeconds(120), List.of("rsync", "-a", "-e", fx.sshCommandLine("alice", alice),
                from, to), null, Map.of(), null);
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        try (Stream<Path> walk = Files.walk(expected)) {
            for (Path p : walk.toList()) {
                Path rel = expected.relativize(p);
                Path other = actual.resolve(rel.toString());
                assertThat(other).as(rel.toString()).exists();
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    assertThat(Digests.sha256(other)).as(rel.toString()).isEqualTo(Digests.sha256(p));
                }
            }
        }
    }
}
