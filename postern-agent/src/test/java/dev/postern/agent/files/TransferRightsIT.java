package dev.postern.agent.files;

import static dev.postern.agent.files.Transfers.scp;
import static dev.postern.agent.files.Transfers.sftp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A non-root login's SFTP and legacy scp act with that user's full credentials and no capability, not with
 * root's rights behind a borrowed file-system id. The attacker is alice (uid {@value TestUsers#ALICE_UID}),
 * who uses stock OpenSSH sftp and scp against a root agent to reach what only root may: sysctl files under
 * /proc/sys, and files only root may read. Each refusal is paired with root doing the same thing successfully,
 * so the test cannot pass because the machine forbids it to everyone.
 *
 * <p>Her transfer thread no longer sees /proc at all ({@link AgentFilesThroughProcIT}), so the sysctl refusals
 * (which the kernel checks against the effective uid rather than the file-system uid) now stand for both
 * defences; the credentials themselves (every uid including the effective one, gids, groups, capability sets)
 * are read from outside, in the thread's {@code /proc/PID/task/TID/status}, while her sftp is connected.
 */
class TransferRightsIT {
    private static final Path CORE_PATTERN = Path.of("/proc/sys/kernel/core_pattern");
    private static final Path CAD_PID = Path.of("/proc/sys/kernel/cad_pid");
    /** The thread sees no /proc ("No such file"); without the namespace, the kernel refuses a non-root euid. */
    private static final String[] SYSCTL_REFUSED = {"No such file", "Permission denied"};

    @TempDir
    static Path dir;
    static AgentFixture fx;
    static Path alice;
    static Path root;
    static Path local;

    @BeforeAll
    static void start() throws IOException {
        fx = new AgentFixture(dir, TestUsers.withAlice(dir));
        alice = fx.cert("alice");
        root = fx.cert("root");
        local = Files.createDirectories(dir.resolve("local"));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void sftpPutOntoCorePatternIsRefusedAndTheSysctlUnchanged() throws IOException {
        String before = Files.readString(CORE_PATTERN);
        // the same value, so that a reopened hole is seen without changing this machine's core dumps
        Transfers.write(local.resolve("pattern"), before, "rw-r--r--");

        ProcessResult asAlice = sftp(fx, alice, "alice", local, "put pattern " + CORE_PATTERN + "\n");
        ProcessResult asRoot = sftp(fx, root, "root", local, "put pattern " + CORE_PATTERN + "\n");

        assertThat(asAlice.exitCode()).as(asAlice.toString()).isNotZero();
        assertThat(asAlice.stderr()).contains("open \"" + CORE_PATTERN + "\": ").containsAnyOf(SYSCTL_REFUSED);
        assertThat(Files.readString(CORE_PATTERN)).isEqualTo(before);
        // root's open and write succeed (MINA's close of a sysctl fails afterwards, hence no exit 0 to check)
        assertThat(asRoot.stderr()).as("root may write the sysctl: " + asRoot).doesNotContain("open");
    }

    @Test
    void sftpGetOfARootOnlySysctlIsRefused() throws IOException {
        ProcessResult asAlice = sftp(fx, alice, "alice", local, "get " + CAD_PID + " alice-cad\n");
        ProcessResult asRoot = sftp(fx, root, "root", local, "get " + CAD_PID + " root-cad\n");

        assertThat(asAlice.exitCode()).as(asAlice.toString()).isNotZero();
        assertThat(asAlice.stderr()).contains(CAD_PID.toString()).containsAnyOf("not found", "Permission denied");
        assertThat(local.resolve("alice-cad")).doesNotExist();
        assertThat(asRoot.exitCode()).as("root may read the sysctl: " + asRoot).isZero();
        assertThat(Files.readString(local.resolve("root-cad")).trim()).isEqualTo(Files.readString(CAD_PID).trim());
    }

    @Test
    void legacyScpUploadOntoCorePatternIsRefusedAndTheSysctlUnchanged() throws IOException {
        String before = Files.readString(CORE_PATTERN);
        Transfers.write(local.resolve("scp-pattern"), before, "rw-r--r--");

        ProcessResult asAlice = scp(fx, alice, "alice", local, "-O", "scp-pattern", "127.0.0.1:" + CORE_PATTERN);
        ProcessResult asRoot = scp(fx, root, "root", local, "-O", "scp-pattern", "127.0.0.1:" + CORE_PATTERN);

        // MINA's scp names the file it may not write, without errno ("to file:" when it exists but is refused)
        assertThat(asAlice.exitCode()).as(asAlice.toString()).isNotZero();
        assertThat(asAlice.stderr()).containsAnyOf("Can not write to " + CORE_PATTERN,
                "Can not write to file: " + CORE_PATTERN);
        assertThat(Files.readString(CORE_PATTERN)).isEqualTo(before);
        assertThat(asRoot.exitCode()).as("root may write the sysctl: " + asRoot).isZero();
    }

    @Test
    void legacyScpDownloadOfRootOnlyFilesIsRefused() throws IOException {
        Path vault = Files.createDirectories(dir.resolve("vault"));
        Files.setPosixFilePermissions(vault, PosixFilePermissions.fromString("rwx------"));
        Path secret = Transfers.write(vault.resolve("secret.txt"), "root's secret", "rw-------");

        ProcessResult sysctl = scp(fx, alice, "alice", local, "-O", "127.0.0.1:" + CAD_PID, "scp-alice-cad");
        ProcessResult file = scp(fx, alice, "alice", local, "-O", "127.0.0.1:" + secret, "stolen.txt");
        ProcessResult asRoot = scp(fx, root, "root", local, "-O", "127.0.0.1:" + secret, "root-copy.txt");

        // MINA's scp reports the AccessDeniedException as the bare path
        assertThat(sysctl.exitCode()).as(sysctl.toString()).isNotZero();
        assertThat(sysctl.stderr()).contains(CAD_PID.toString());
        assertThat(file.exitCode()).as(file.toString()).isNotZero();
        assertThat(file.stderr()).contains(secret.toString());
        // the header (name, mode, size) comes before the refused open, so scp may leave an empty file
        assertThat(local.resolve("stolen.txt")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(p).isEmptyFile());
        // (MINA's scp sends a sysctl's stat size, 0, so root's copy of one is no proof; root's copy of the file is)
        assertThat(asRoot.exitCode()).as("root may read the file: " + asRoot).isZero();
        assertThat(local.resolve("root-copy.txt")).hasContent("root's secret");
    }

    @Test
    void theThreadServingSftpHasTheUsersIdsGroupsAndNoCapabilities() throws Exception {
        // the thread doing the user's file operations, seen from outside while alice's sftp is connected
        Map<String, String> status;
        try (LiveSftp live = new LiveSftp(fx, alice, "alice", local)) {
            status = live.status();
        }

        String uid = String.valueOf(TestUsers.ALICE_UID);
        // real, effective, saved and file-system ids: a root euid behind a borrowed fsuid fails here
        assertThat(status.get("Uid")).isEqualTo(String.join("\t", uid, uid, uid, uid));
        assertThat(status.get("Gid")).isEqualTo(String.join("\t", uid, uid, uid, uid));
        assertThat(status.get("Groups")).isEqualTo(uid + " " + TestUsers.SHARED_GID);
        for (String set : List.of("CapEff", "CapPrm", "CapInh", "CapAmb")) {
            assertThat(status.get(set)).as(set).isEqualTo("0000000000000000");
        }
    }

    @Test
    void aRootLoginStillTransfersAsRootAfterAUsersTransfer() throws IOException {
        Transfers.write(local.resolve("before-root.txt"), "x", "rw-r--r--");
        ProcessResult first = sftp(fx, alice, "alice", local, "put before-root.txt\n");
        ProcessResult r = sftp(fx, root, "root", local, "get /proc/thread-self/status root-status\n");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(status(local.resolve("root-status")).get("Uid")).isEqualTo("0\t0\t0\t0");
    }

    @Test
    void legacyScpWritesWithTheUsersGroupsAndOwnership() throws IOException {
        // a directory only group "shared" may write to: alice gets in through her supplementary group alone
        Path team = Files.createDirectories(dir.resolve("team"));
        Files.setPosixFilePermissions(team, PosixFilePermissions.fromString("rwxrwx---"));
        Files.setAttribute(team, "unix:gid", TestUsers.SHARED_GID);
        Transfers.write(local.resolve("report.txt"), "q3", "rw-r--r--");

        ProcessResult r = scp(fx, alice, "alice", local, "-O", "report.txt", "127.0.0.1:" + team);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path written = team.resolve("report.txt");
        assertThat(Files.getAttribute(written, "unix:uid")).isEqualTo(TestUsers.ALICE_UID);
        assertThat(Files.getAttribute(written, "unix:gid")).isEqualTo(TestUsers.ALICE_UID);
    }

    @Test
    void noThreadOfTheAgentKeepsTheUsersCredentialsOnceTheTransfersEnd() throws IOException {
        // A switched thread can never be root again; back in a pool it would serve the next login as alice.
        // The agent runs in this JVM, so its threads are this process's tasks.
        Transfers.write(local.resolve("pooled.txt"), "x", "rw-r--r--");
        ProcessResult viaSftp = sftp(fx, alice, "alice", local, "put pooled.txt\nget pooled.txt pooled-back.txt\n");
        ProcessResult viaScp = scp(fx, alice, "alice", local, "-O", "pooled.txt", "127.0.0.1:scp-pooled.txt");

        assertThat(viaSftp.exitCode()).as(viaSftp.toString()).isZero();
        assertThat(viaScp.exitCode()).as(viaScp.toString()).isZero();
        AgentFixture.await("no thread of the agent has alice's uid any more", () -> threadsWithUid(
                TestUsers.ALICE_UID).isEmpty());
    }

    private static List<String> threadsWithUid(int uid) {
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            List<String> found = new ArrayList<>();
            for (Path task : tasks) {
                try {
                    String uids = status(task.resolve("status")).get("Uid");
                    if (uids != null && Arrays.asList(uids.split("\\s+")).contains(String.valueOf(uid))) {
                        found.add(Files.readString(task.resolve("comm")).trim());
                    }
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> status(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')),
                        l -> l.substring(l.indexOf(':') + 1).trim(), (a, b) -> a));
    }
}
