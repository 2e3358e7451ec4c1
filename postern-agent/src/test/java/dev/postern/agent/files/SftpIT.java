package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.LogCapture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real OpenSSH sftp client against the real agent's SFTP subsystem, as non-root alice. */
class SftpIT {
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

    static ProcessResult sftp(Path cert, String login, String batch) throws IOException {
        Path batchFile = Files.createTempFile(local, "batch", ".txt");
        Files.writeString(batchFile, batch);
        List<String> cmd = new ArrayList<>(List.of("sftp"));
        cmd.addAll(fx.clientOptions(login, cert));
        cmd.addAll(List.of("-b", batchFile.toString(), "127.0.0.1"));
        return Processes.run(Duration.ofSeconds(120), cmd, null, Map.of(), local);
    }

    @Test
    void anSftpSessionWritesAStartAndAnEndAuditLine() throws IOException {
        Files.writeString(local.resolve("audited.txt"), "twelve bytes");
        try (LogCapture audit = new LogCapture("postern.audit")) {
            ProcessResult r = sftp(alice, "alice", "put audited.txt\n");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            String start = audit.lines().stream().filter(l -> l.contains("\"session.start\"")).findFirst().orElseThrow();
            assertThat(start).contains("\"command\":\"sftp\"", "\"principal\":\"alice\"", "\"keyId\"");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (audit.lines().stream().noneMatch(l -> l.contains("\"session.end\"")) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            assertThat(audit.lines()).anySatisfy(l -> assertThat(l).contains("\"session.end\"", "\"command\":\"sftp\"",
                    "\"bytesIn\":12", "\"end\":\"exit\"", "\"interrupted\":false"));
        }
    }

    /**
     * A client killed mid-download (Ctrl-C, a lost connection): the audit trail must not read like a finished
     * copy. OpenSSH sftp is slowed to 800 kbit/s (-l) so the kill lands while the file is still open.
     */
    @Test
    void theEndLineOfAnInterruptedTransferSaysSo() throws Exception {
        Path big = TestUsers.aliceHome(dir).resolve("slow.bin");
        Digests.randomFile(big, 20L << 20, 7);
        Path batch = Files.createTempFile(local, "batch", ".txt");
        Files.writeString(batch, "get slow.bin slow-copy.bin\n");
        List<String> cmd = new ArrayList<>(List.of("sftp", "-l", "800"));
        cmd.addAll(fx.clientOptions("alice", alice));
        cmd.addAll(List.of("-b", batch.toString(), "127.0.0.1"));
        try (LogCapture audit = new LogCapture("postern.audit")) {
            Process client = new ProcessBuilder(cmd).directory(local.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Path copy = local.resolve("slow-copy.bin");
                AgentFixture.await("the download started", () -> sizeOf(copy) > 0);
            } finally {
                client.destroyForcibly().waitFor();
            }
            AgentFixture.await("the session's end line", () -> audit.lines().stream()
                    .anyMatch(l -> l.contains("\"session.end\"") && l.contains("\"command\":\"sftp\"")));
            String end = audit.lines().stream().filter(l -> l.contains("\"session.end\"")).findFirst().orElseThrow();
            assertThat(end).contains("\"end\":\"interrupted\"", "\"interrupted\":true", "\"openFiles\":1",
                    "\"principal\":\"alice\"");
        } finally {
            Files.deleteIfExists(big);
            Files.deleteIfExists(local.resolve("slow-copy.bin"));
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void startsInTheUsersHomeFromPasswd() throws IOException {
        ProcessResult r = sftp(alice, "alice", "pwd\n");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Remote working directory: " + TestUsers.aliceHome(dir));
    }

    @Test
    void putAndGetOf100MegabytesAreByteIdenticalAndOwnedByTheUser() throws IOException {
        Path big = local.resolve("big.bin");
        Digests.randomFile(big, 100L << 20, 42);
        String sha = Digests.sha256(big);

        ProcessResult r = sftp(alice, "alice", "put big.bin\nget big.bin back.bin\n");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path remote = TestUsers.aliceHome(dir).resolve("big.bin");
        assertThat(Files.size(remote)).isEqualTo(100L << 20);
        assertThat(Digests.sha256(remote)).isEqualTo(sha);
        assertThat(Digests.sha256(local.resolve("back.bin"))).isEqualTo(sha);
        assertThat(Digests.owner(remote)).isEqualTo(TestUsers.ALICE_UID);
        Files.delete(remote);
        Files.delete(big);
        Files.delete(local.resolve("back.bin"));
    }

    /**
     * The agent answers {@code limits@openssh.com} with sftp-server's sizes, so the OpenSSH client reads and writes
     * 255 KiB per request as it does against sshd (with MINA's default, 63 KiB per READ: four times the requests),
     * and the file still arrives whole.
     */
    @Test
    void stockSftpUsesTheSameRequestSizesAsAgainstOpenSshsSftpServer() throws IOException {
        Path file = local.resolve("limits.bin");
        Digests.randomFile(file, 3L << 20, 3);
        Path batch = Files.createTempFile(local, "batch", ".txt");
        Files.writeString(batch, "put limits.bin\nget limits.bin limits-back.bin\n");
        List<String> cmd = new ArrayList<>(List.of("sftp", "-vvv"));
        cmd.addAll(fx.clientOptions("alice", alice));
        cmd.addAll(List.of("-b", batch.toString(), "127.0.0.1"));

        ProcessResult r = Processes.run(Duration.ofSeconds(120), cmd, null, Map.of(), local);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        // OpenSSH 9.2 does not log the sizes it chose, only each request's range
        assertThat(r.stderr()).contains("Request range 0 -> 261119 ", "SSH2_FXP_WRITE I:");
        assertThat(r.stderr()).containsPattern("SSH2_FXP_WRITE I:\\d+ O:0 S:261120");
        assertThat(Digests.sha256(local.resolve("limits-back.bin"))).isEqualTo(Digests.sha256(file));
        Files.delete(TestUsers.aliceHome(dir).resolve("limits.bin"));
        Files.delete(local.resolve("limits-back.bin"));
        Files.delete(file);
    }

    @Test
    void theKernelChecksTheUsersPermissionsNotTheAgents() throws IOException {
        Path secret = Files.createDirectories(dir.resolve("rootonly")).resolve("root-only.txt");
        Files.writeString(secret, "root's secret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

        ProcessResult read = sftp(alice, "alice", "get " + secret + " stolen.txt\n");
        ProcessResult write = sftp(alice, "alice", "put " + writeLocal("x.txt") + " " + dir.resolve("home/new.txt")
                + "\n");

        assertThat(read.exitCode()).as(read.toString()).isNotZero();
        assertThat(read.stderr()).containsIgnoringCase("permission denied");
        assertThat(local.resolve("stolen.txt")).doesNotExist();
        assertThat(write.exitCode()).as(write.toString()).isNotZero();
        assertThat(dir.resolve("home/new.txt")).doesNotExist();
    }

    @Test
    void aLoginWithoutLocalAccountIsRefusedInPlainWords() throws IOException {
        Path bob = fx.cert("bob");

        ProcessResult r = sftp(bob, "bob", "pwd\n");

        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.stderr()).contains("file transfer refused: no local user 'bob'");
    }

    private static Path writeLocal(String name) throws IOException {
        return Files.writeString(local.resolve(name), "hello");
    }
}
