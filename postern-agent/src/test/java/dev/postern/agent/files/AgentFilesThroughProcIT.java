package dev.postern.agent.files;

import static dev.postern.agent.files.Transfers.sftp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacker is alice, a non-root login using stock sftp, reading a file the agent process has open (another
 * user's download in progress, a file of the agent's) that lies in a directory she may not enter. Her SFTP runs
 * on a thread of the agent's own process, and the kernel lets any thread of a process follow that process's
 * {@code /proc/self/fd/N} links ({@code same_thread_group} in {@code proc_fd_permission} and
 * {@code ptrace_may_access}); a magic link jumps straight to the file, so the directories above it are never
 * checked. OpenSSH's sftp-server is a process of the user's own and has no such view. Root's handle here stands
 * for any descriptor of the agent process; the file's own mode lets alice read it, only its directory keeps her out.
 */
class AgentFilesThroughProcIT {
    @TempDir
    Path dir;

    @Disabled("Open hole: a transfer thread shares the agent process's /proc/self/fd (a per-thread uid cannot hide"
            + " it). Needs the transfer in a process of the user's own (e.g. an sftp-server child spawned as the"
            + " user), or every file operation through openat2(RESOLVE_NO_MAGICLINKS); both too large for this change")
    @Test
    void sftpCannotReadAFileTheAgentHoldsOpenInADirectoryAliceMayNotEnter() throws IOException {
        Path vault = Files.createDirectories(dir.resolve("vault"));
        Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rwx------"));
        Path secret = Transfers.write(vault.resolve("bobs-report.txt"), "bob's numbers", "rw-r--r--");
        try (AgentFixture fx = new AgentFixture(dir, TestUsers.withAlice(dir));
             FileChannel held = FileChannel.open(secret)) {
            Path alice = fx.cert("alice");
            Path local = Files.createDirectories(dir.resolve("local"));
            int fd = descriptorOf(secret);
            long pid = ProcessHandle.current().pid();

            ProcessResult direct = sftp(fx, alice, "alice", local, "get " + secret + " direct.txt\n");
            ProcessResult viaSelf = sftp(fx, alice, "alice", local, "get /proc/self/fd/" + fd + " self.txt\n");
            ProcessResult viaDevFd = sftp(fx, alice, "alice", local, "get /dev/fd/" + fd + " devfd.txt\n");
            ProcessResult viaPid = sftp(fx, alice, "alice", local, "get /proc/" + pid + "/fd/" + fd + " pid.txt\n");

            assertThat(direct.exitCode()).as("the directory keeps alice out: " + direct).isNotZero();
            assertThat(held.isOpen()).isTrue();
            for (ProcessResult r : new ProcessResult[] {viaSelf, viaDevFd, viaPid}) {
                assertThat(r.exitCode()).as(r.toString()).isNotZero();
            }
            for (String copy : new String[] {"self.txt", "devfd.txt", "pid.txt"}) {
                assertThat(local.resolve(copy)).as(copy).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                        p -> assertThat(p).isEmptyFile());
            }
        }
    }

    /** The descriptor number this process holds {@code file} open on. */
    private static int descriptorOf(Path file) throws IOException {
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file)) {
                        return Integer.parseInt(fd.getFileName().toString());
                    }
                } catch (IOException closed) {
                    // a descriptor closed meanwhile
                }
            }
        }
        throw new IllegalStateException("this process holds no descriptor of " + file);
    }
}
