package dev.postern.agent.files;

import static dev.postern.agent.files.Transfers.mode;
import static dev.postern.agent.files.Transfers.scp;
import static dev.postern.agent.files.Transfers.sftp;
import static dev.postern.agent.files.Transfers.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and directories made by SFTP and legacy scp get OpenSSH's modes: what the client asked for less the
 * umask (022 unless the agent is configured otherwise), so an upload never lands world-writable because the
 * local copy was. The threat: another user of the machine rewriting what alice uploaded or the directories
 * she made. An explicit chmod afterwards ({@code put -p}, {@code scp -p}) is alice's own choice, as in OpenSSH.
 */
class TransferUmaskIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static Path alice;
    static Path local;
    static Path home;

    @BeforeAll
    static void start() throws IOException {
        fx = new AgentFixture(dir, TestUsers.withAlice(dir));
        alice = fx.cert("alice");
        local = Files.createDirectories(dir.resolve("local"));
        home = TestUsers.aliceHome(dir);
        write(local.resolve("open.txt"), "anyone may write my local copy", "rw-rw-rw-");
        write(local.resolve("private.txt"), "mine", "rw-------");
        write(local.resolve("team.txt"), "group may read", "rw-r-----");
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void sftpMkdirAndPutApplyTheDefaultUmask() {
        ProcessResult r = sftp(fx, alice, "alice", local, "mkdir made\nput open.txt made/open.txt\n"
                + "put private.txt made/private.txt\n");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(mode(home.resolve("made"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(home.resolve("made/open.txt"))).isEqualTo("rw-r--r--");
        assertThat(mode(home.resolve("made/private.txt"))).as("the client's stricter mode is kept")
                .isEqualTo("rw-------");
    }

    @Test
    void sftpPutWithPreserveSetsTheClientsModeLikeOpenSsh() {
        ProcessResult r = sftp(fx, alice, "alice", local, "put -p team.txt kept.txt\nput -p open.txt chosen.txt\n");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(mode(home.resolve("kept.txt"))).isEqualTo("rw-r-----");
        // -p is an explicit chmod by the client after the upload: OpenSSH's sftp-server honours it too
        assertThat(mode(home.resolve("chosen.txt"))).isEqualTo("rw-rw-rw-");
    }

    @Test
    void aRootLoginGetsTheUmaskToo() {
        Path target = dir.resolve("root-upload.txt");
        ProcessResult r = sftp(fx, fx.cert("root"), "root", local, "put open.txt " + target + "\n");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(mode(target)).isEqualTo("rw-r--r--");
    }

    @Test
    void legacyScpAppliesTheDefaultUmaskToFilesAndDirectories() throws IOException {
        Path tree = Files.createDirectories(local.resolve("tree"));
        Files.setPosixFilePermissions(tree, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        write(tree.resolve("inside.txt"), "in the tree", "rw-rw-rw-");

        ProcessResult file = scp(fx, alice, "alice", local, "-O", "open.txt", "private.txt", "127.0.0.1:");
        ProcessResult recursive = scp(fx, alice, "alice", local, "-O", "-r", "tree", "127.0.0.1:");
        ProcessResult preserved = scp(fx, alice, "alice", local, "-O", "-p", "team.txt", "127.0.0.1:scp-team.txt");

        assertThat(file.exitCode()).as(file.toString()).isZero();
        assertThat(mode(home.resolve("open.txt"))).isEqualTo("rw-r--r--");
        assertThat(mode(home.resolve("private.txt"))).isEqualTo("rw-------");
        assertThat(recursive.exitCode()).as(recursive.toString()).isZero();
        assertThat(mode(home.resolve("tree"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(home.resolve("tree/inside.txt"))).isEqualTo("rw-r--r--");
        assertThat(preserved.exitCode()).as(preserved.toString()).isZero();
        assertThat(mode(home.resolve("scp-team.txt"))).isEqualTo("rw-r-----");
    }

    @Test
    void aConfiguredUmaskIsHonoured(@TempDir Path strictDir) throws IOException {
        try (AgentFixture strict = new AgentFixture(strictDir,
                b -> b.accounts(TestUsers.withAlice(strictDir)).umask(0077))) {
            Path cert = strict.cert("alice");
            Path strictHome = TestUsers.aliceHome(strictDir);
            ProcessResult r = sftp(strict, cert, "alice", local, "mkdir closed\nput open.txt closed/open.txt\n");
            ProcessResult s = scp(strict, cert, "alice", local, "-O", "open.txt", "127.0.0.1:scp-open.txt");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(mode(strictHome.resolve("closed"))).isEqualTo("rwx------");
            assertThat(mode(strictHome.resolve("closed/open.txt"))).isEqualTo("rw-------");
            assertThat(s.exitCode()).as(s.toString()).isZero();
            assertThat(mode(strictHome.resolve("scp-open.txt"))).isEqualTo("rw-------");
        }
    }
}
