package dev.postern.agent.files;

import static dev.postern.agent.files.Transfers.scp;
import static dev.postern.agent.files.Transfers.sftp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacker is alice, a non-root login using stock sftp and scp, reaching a file the agent process has open
 * (another user's download in progress, a file of the agent's) that lies in a directory she may not enter. Her
 * transfer runs on a thread of the agent's own process, and the kernel lets any thread of a process follow that
 * process's {@code /proc/self/fd/N} links ({@code same_thread_group} in {@code proc_fd_permission} and
 * {@code ptrace_may_access}); a magic link jumps straight to the file, so the directories above it are never
 * checked. The agent gives her thread a mount namespace in which procfs is covered. Root's handle here stands for
 * any descriptor of the agent process; the file's own mode lets alice read (or write) it, only its directory keeps
 * her out. Root, who may, still reads through {@code /proc}, so the refusals are not the machine's.
 */
class AgentFilesThroughProcIT {
    @TempDir
    Path dir;

    @Test
    void sftpAndScpCannotReadAFileTheAgentHoldsOpenInADirectoryAliceMayNotEnter() throws IOException {
        Path secret = Transfers.write(vault().resolve("bobs-report.txt"), "bob's numbers", "rw-r--r--");
        try (AgentFixture fx = new AgentFixture(dir, TestUsers.withAlice(dir));
             FileChannel held = FileChannel.open(secret)) {
            Path alice = fx.cert("alice");
            Path local = Files.createDirectories(dir.resolve("local"));
            int fd = descriptorOf(secret);
            long pid = ProcessHandle.current().pid();
            List<String> links = List.of("/proc/self/fd/" + fd, "/dev/fd/" + fd, "/proc/" + pid + "/fd/" + fd,
                    "/proc/thread-self/fd/" + fd, "/proc/" + pid + "/task/" + pid + "/fd/" + fd);

            ProcessResult direct = sftp(fx, alice, "alice", local, "get " + secret + " direct.txt\n");
            assertThat(direct.exitCode()).as("the directory keeps alice out: " + direct).isNotZero();
            for (int i = 0; i < links.size(); i++) {
                ProcessResult viaSftp = sftp(fx, alice, "alice", local, "get " + links.get(i) + " sftp" + i + "\n");
                ProcessResult viaScp = scp(fx, alice, "alice", local, "-O", "127.0.0.1:" + links.get(i), "scp" + i);
                assertThat(viaSftp.exitCode()).as(links.get(i) + ": " + viaSftp).isNotZero();
                assertThat(viaScp.exitCode()).as(links.get(i) + ": " + viaScp).isNotZero();
                for (String copy : List.of("sftp" + i, "scp" + i)) {
                    assertThat(local.resolve(copy)).as(copy).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                            p -> assertThat(p).isEmptyFile());
                }
            }
            ProcessResult asRoot = sftp(fx, fx.cert("root"), "root", local, "get /proc/self/fd/" + fd + " root\n");
            assertThat(held.isOpen()).isTrue();
            assertThat(asRoot.exitCode()).as("root keeps /proc: " + asRoot).isZero();
            assertThat(local.resolve("root")).hasContent("bob's numbers");
        }
    }

    @Test
    void sftpCannotWriteAFileTheAgentHoldsOpenInADirectoryAliceMayNotEnter() throws IOException {
        Path log = Transfers.write(vault().resolve("agent.log"), "genuine", "rw-rw-rw-");
        try (AgentFixture fx = new AgentFixture(dir, TestUsers.withAlice(dir));
             FileChannel held = FileChannel.open(log, StandardOpenOption.APPEND)) {
            Path local = Files.createDirectories(dir.resolve("local"));
            Transfers.write(local.resolve("forged"), "forged", "rw-r--r--");

            ProcessResult r = sftp(fx, fx.cert("alice"), "alice", local,
                    "put forged /proc/self/fd/" + descriptorOf(log) + "\n");

            assertThat(r.exitCode()).as(r.toString()).isNotZero();
            assertThat(held.isOpen()).isTrue();
            assertThat(log).hasContent("genuine");
        }
    }

    @Test
    void everyProcfsMountIsHiddenAndNoCoverLeaksIntoTheHostsNamespace() throws Exception {
        // A second procfs inside a shared mount: alice must not use it either, and had the transfer thread's
        // mounts not been made private first, its cover would propagate back here, onto the host.
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path proc2 = shared.resolve("proc2");
        mount("mount", "-t", "tmpfs", "-o", "mode=0755", "postern-test-shared", shared.toString());
        try {
            mount("mount", "--make-shared", shared.toString());
            Files.createDirectories(proc2);
            mount("mount", "-t", "proc", "proc", proc2.toString());
            Path secret = Transfers.write(vault().resolve("bobs-key"), "bob's key", "rw-r--r--");
            try (AgentFixture fx = new AgentFixture(dir, TestUsers.withAlice(dir));
                 FileChannel held = FileChannel.open(secret)) {
                Path local = Files.createDirectories(dir.resolve("local"));
                String link = proc2 + "/self/fd/" + descriptorOf(secret);

                try (LiveSftp live = new LiveSftp(fx, fx.cert("alice"), "alice", local)) {
                    List<String> theirs = live.mountinfo();
                    assertThat(mountOf(theirs, "/proc")).as("/proc of alice's thread").contains(" - tmpfs ");
                    assertThat(mountOf(theirs, proc2.toString())).as(proc2 + " of alice's thread")
                            .contains(" - tmpfs ");
                    assertHostMountsIntact(proc2);
                }
                ProcessResult r = sftp(fx, fx.cert("alice"), "alice", local, "get " + link + " stolen\n");
                ProcessResult asRoot = sftp(fx, fx.cert("root"), "root", local, "get " + link + " root\n");

                assertThat(r.exitCode()).as(r.toString()).isNotZero();
                assertThat(local.resolve("stolen")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                        p -> assertThat(p).isEmptyFile());
                assertThat(held.isOpen()).isTrue();
                assertThat(asRoot.exitCode()).as("root keeps every procfs: " + asRoot).isZero();
                assertHostMountsIntact(proc2);
            }
        } finally {
            Processes.run(Duration.ofSeconds(30), List.of("umount", "-R", "-l", shared.toString()));
        }
    }

    /** This thread's namespace and a new process's still have procfs, and no cover of the agent's. */
    private static void assertHostMountsIntact(Path proc2) throws IOException {
        List<String> ours = Files.readAllLines(Path.of("/proc/thread-self/mountinfo"), StandardCharsets.ISO_8859_1);
        ProcessResult child = Processes.run(Duration.ofSeconds(30), List.of("cat", "/proc/self/mountinfo"));
        assertThat(child.exitCode()).as(child.toString()).isZero();
        for (List<String> table : List.of(ours, child.stdout().lines().toList())) {
            assertThat(mountOf(table, "/proc")).contains(" - proc ");
            assertThat(mountOf(table, proc2.toString())).contains(" - proc ");
            assertThat(table).noneMatch(l -> l.contains("postern-no-proc"));
        }
        assertThat(Files.readString(Path.of("/proc/self/status"))).contains("Pid:");
    }

    /** The topmost mountinfo line whose mount point is {@code point} (later lines are mounted on top). */
    private static String mountOf(List<String> mountinfo, String point) {
        String found = "";
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].equals(point)) {
                found = line;
            }
        }
        return found;
    }

    private Path vault() throws IOException {
        Path vault = Files.createDirectories(dir.resolve("vault"));
        Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rwx------"));
        return vault;
    }

    private static void mount(String... argv) {
        ProcessResult r = Processes.run(Duration.ofSeconds(30), List.of(argv));
        assertThat(r.exitCode()).as(r.toString()).isZero();
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
