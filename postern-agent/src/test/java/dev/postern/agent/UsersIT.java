package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login users and shells, with a passwd file of the test's own (same format as /etc/passwd). The uids are
 * real ones of this Debian image (root 0, nobody 65534).
 */
class UsersIT {
    @TempDir
    Path dir;

    private Accounts accounts(String passwd, String fallbackShell, int agentUid) throws IOException {
        Path file = dir.resolve("passwd");
        Files.writeString(file, passwd);
        return new Accounts(file, Path.of(fallbackShell), agentUid);
    }

    @Test
    void userWhosePasswdShellIsBashGetsBash() throws IOException {
        try (AgentFixture fx = new AgentFixture(dir, accounts("root:x:0:0:root:/root:/bin/bash\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh(fx.cert("root"), "echo \"bash=${BASH_VERSION:-none} shell=$SHELL\"");
            assertThat(r.stdout()).as(r.toString()).startsWith("bash=5").endsWith("shell=/bin/bash\n");
        }
    }

    @Test
    void missingLoginShellFallsBackToBinSh() throws IOException {
        try (AgentFixture fx = new AgentFixture(dir,
                accounts("root:x:0:0:root:/root:/no/such/shell\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh(fx.cert("root"), "echo \"bash=${BASH_VERSION:-none} shell=$SHELL\"");
            assertThat(r.stdout()).as(r.toString()).isEqualTo("bash=none shell=/bin/sh\n");
        }
    }

    @Test
    void imageWithoutAnyShellGetsAClearMessageAnd127() throws IOException {
        try (AgentFixture fx = new AgentFixture(dir,
                accounts("root:x:0:0:root:/root:/no/such/shell\n", "/no/bin/sh", 0))) {
            ProcessResult r = fx.ssh(fx.cert("root"), "true");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(127);
            assertThat(r.stderr()).startsWith("no shell in this image: /no/bin/sh not found");
        }
    }

    @Test
    void rootAgentRunsANonRootLoginAsThatUser() throws IOException {
        try (AgentFixture fx = new AgentFixture(dir, accounts(
                "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh("nobody", fx.cert("nobody"), java.util.List.of(),
                    "id -u; id -g; pwd; echo $HOME $USER", null);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("65534\n65534\n/\n/nonexistent nobody\n");
        }
    }

    @Test
    void aUserKnownOnlyToTheAgentsPasswdGetsItsGroupsFromTheAgentsGroupFile() {
        // alice is in the agent's passwd and group files, not in this machine's: switching must not ask NSS
        try (AgentFixture fx = new AgentFixture(dir, TestUsers.withAlice(dir))) {
            ProcessResult r = fx.ssh("alice", fx.cert("alice"), java.util.List.of(), "id -u; id -g; id -G; pwd", null);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo(TestUsers.ALICE_UID + "\n" + TestUsers.ALICE_UID + "\n"
                    + TestUsers.ALICE_UID + " " + TestUsers.SHARED_GID + "\n" + TestUsers.aliceHome(dir) + "\n");
        }
    }

    @Test
    void unknownUserGetsAClearRefusal() throws IOException {
        try (AgentFixture fx = new AgentFixture(dir, accounts("root:x:0:0:root:/root:/bin/sh\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh("ghost", fx.cert("ghost"), java.util.List.of(), "true", null);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).contains("unknown user ghost");
        }
    }

    @Test
    void nonRootAgentRefusesOtherUsers() throws IOException {
        // the agent pretends to run as nobody: only nobody may log in, root is refused in plain words
        try (AgentFixture fx = new AgentFixture(dir, accounts(
                "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n", "/bin/sh",
                65534))) {
            ProcessResult r = fx.ssh(fx.cert("root"), "id -u");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).contains("this agent runs as nobody (not root), so it can only log you in as nobody,"
                    + " not as root");
            assertThat(r.stdout()).isEmpty();
        }
    }

    @Test
    void aNonRootLoginStartsAsThatUserWithNoCapabilitiesAndOwnsItsTerminal() {
        // every id (real, effective, saved, filesystem) is alice's and no capability is left: a child that kept
        // root's saved uid or capabilities could become root again
        try (AgentFixture fx = new AgentFixture(dir, TestUsers.withAlice(dir))) {
            ProcessResult r = fx.ssh("alice", fx.cert("alice"), java.util.List.of("-tt"),
                    "grep -E '^(Uid|Gid|CapPrm|CapEff|CapAmb):' /proc/self/status; stat -c %u $(tty)", null);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            int a = TestUsers.ALICE_UID;
            assertThat(r.stdout().replace("\r", "")).isEqualTo("Uid:\t" + a + "\t" + a + "\t" + a + "\t" + a + "\n"
                    + "Gid:\t" + a + "\t" + a + "\t" + a + "\t" + a + "\n"
                    + "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapAmb:\t0000000000000000\n"
                    + a + "\n");
        }
    }

    @Test
    void aHomeTheUserCannotEnterStartsTheSessionInRoot() throws IOException {
        Accounts accounts = TestUsers.withAlice(dir);
        Files.setPosixFilePermissions(TestUsers.aliceHome(dir), java.nio.file.attribute.PosixFilePermissions
                .fromString("rwx------"));
        Files.setAttribute(TestUsers.aliceHome(dir), "unix:uid", 0);
        try (AgentFixture fx = new AgentFixture(dir, accounts)) {
            ProcessResult r = fx.ssh("alice", fx.cert("alice"), java.util.List.of(), "pwd; id -u", null);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("/\n" + TestUsers.ALICE_UID + "\n");
        }
    }
}
