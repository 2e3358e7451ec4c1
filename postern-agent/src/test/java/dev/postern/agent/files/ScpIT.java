package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenSSH scp, in its default SFTP mode and in legacy mode ({@code scp -O}), against the real
 * agent, as non-root alice.
 */
class ScpIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static Path alice;
    static Path local;

    @BeforeAll
    static void start() throws IOException {
        fx = new AgentFixture(dir, TestUsers.withAlice(dir));
        alice = fx.cert("alice");
        local = Files.createDirectories(dir.resolve("local"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static ProcessResult scp(AgentFixture agent, Path cert, String... args) {
        List<String> cmd = new ArrayList<>(List.of("scp"));
        cmd.addAll(agent.clientOptions("alice", cert));
        cmd.addAll(List.of(args));
        return Processes.run(Duration.ofSeconds(60), cmd, null, Map.of(), local);
    }

    @Test
    void sftpModeUploadsIntoHomeAndDownloads() {
        roundTrip(fx, alice, TestUsers.aliceHome(dir), "modern", List.of());
    }

    @Test
    void legacyModeUploadsIntoHomeAndDownloads() {
        roundTrip(fx, alice, TestUsers.aliceHome(dir), "legacy", List.of("-O"));
    }

    @Test
    void bothModesWorkInAnImageWithoutAnyShell(@TempDir Path noShellDir) throws IOException {
        // legacy scp is served in-process ("scp -t"/"scp -f" never reach a shell), and modern scp is SFTP
        try (AgentFixture noShell = new AgentFixture(noShellDir,
                TestUsers.withAlice(noShellDir, "/no/such/shell", "/no/bin/sh"))) {
            Path cert = noShell.cert("alice");
            ProcessResult exec = noShell.ssh("alice", cert, List.of(), "true", null);
            assertThat(exec.exitCode()).as("this image really has no shell: %s", exec).isEqualTo(127);

            roundTrip(noShell, cert, TestUsers.aliceHome(noShellDir), "noshell-legacy", List.of("-O"));
            roundTrip(noShell, cert, TestUsers.aliceHome(noShellDir), "noshell-modern", List.of());
        }
    }

    @Test
    void legacyModeCopiesADirectoryTreeRecursively() throws IOException {
        Path tree = Files.createDirectories(local.resolve("tree/sub"));
        Digests.randomFile(tree.resolve("a.bin"), 70_000, 1);
        Digests.randomFile(local.resolve("tree/b.bin"), 3, 2);

        ProcessResult up = scp(fx, alice, "-O", "-r", "tree", "127.0.0.1:");

        assertThat(up.exitCode()).as(up.toString()).isZero();
        Path remote = TestUsers.aliceHome(dir).resolve("tree");
        assertThat(Digests.sha256(remote.resolve("sub/a.bin"))).isEqualTo(Digests.sha256(tree.resolve("a.bin")));
        assertThat(Digests.sha256(remote.resolve("b.bin"))).isEqualTo(Digests.sha256(local.resolve("tree/b.bin")));
        assertThat(Digests.owner(remote.resolve("sub"))).isEqualTo(TestUsers.ALICE_UID);
    }

    @Test
    void legacyModeCannotWriteWhereTheUserMayNot() {
        Path file = local.resolve("denied.txt");
        Digests.randomFile(file, 10, 3);

        ProcessResult r = scp(fx, alice, "-O", "denied.txt", "127.0.0.1:" + dir.resolve("home"));

        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(dir.resolve("home/denied.txt")).doesNotExist();
    }

    private static void roundTrip(AgentFixture agent, Path cert, Path home, String name, List<String> mode) {
        Path file = local.resolve(name + ".bin");
        Digests.randomFile(file, 5L << 20, name.hashCode());

        List<String> upload = new ArrayList<>(mode);
        upload.addAll(List.of(name + ".bin", "127.0.0.1:" + name + "-up.bin"));
        ProcessResult up = scp(agent, cert, upload.toArray(String[]::new));
        List<String> download = new ArrayList<>(mode);
        download.addAll(List.of("127.0.0.1:" + name + "-up.bin", name + "-down.bin"));
        ProcessResult down = scp(agent, cert, download.toArray(String[]::new));

        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(down.exitCode()).as(down.toString()).isZero();
        Path remote = home.resolve(name + "-up.bin");
        assertThat(Digests.sha256(remote)).isEqualTo(Digests.sha256(file));
        assertThat(Digests.owner(remote)).isEqualTo(TestUsers.ALICE_UID);
        assertThat(Digests.sha256(local.resolve(name + "-down.bin"))).isEqualTo(Digests.sha256(file));
    }
}
