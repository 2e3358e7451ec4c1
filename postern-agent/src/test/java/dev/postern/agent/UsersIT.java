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
 * real ones of this Debian image (root 0, nobody 65534), so setpriv can find their groups.
 */
class UsersIT {
    @TempDir
    Path dir;

    private Accounts accounts(String passwd, String fallbackShell, int agentUid) throws IOException {
        Path file = dir.resolve("passwd");
        Files.writeString(file, passwd);
        return new Accounts(file, Path.of(fallbackShell), Path.of("/usr/bin/setpriv"), agentUid);
    }

    @Test
    void userWhosePasswdShellIsBashGetsBash() throws IOException {
        try (SessionFixture fx = new SessionFixture(dir, accounts("root:x:0:0:root:/root:/bin/bash\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh(fx.cert("root"), "echo \"bash=${BASH_VERSION:-none} shell=$SHELL\"");
            assertThat(r.stdout()).as(r.toString()).startsWith("bash=5").endsWith("shell=/bin/bash\n");
        }
    }

    @Test
    void missingLoginShellFallsBackToBinSh() throws IOException {
        try (SessionFixture fx = new SessionFixture(dir,
                accounts("root:x:0:0:root:/root:/no/such/shell\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh(fx.cert("root"), "echo \"bash=${BASH_VERSION:-none} shell=$SHELL\"");
            assertThat(r.stdout()).as(r.toString()).isEqualTo("bash=none shell=/bin/sh\n");
        }
    }

    @Test
    void imageWithoutAnyShellGetsAClearMessageAnd127() throws IOException {
        try (SessionFixture fx = new SessionFixture(dir,
                accounts("root:x:0:0:root:/root:/no/such/shell\n", "/no/bin/sh", 0))) {
            ProcessResult r = fx.ssh(fx.cert("root"), "true");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(127);
            assertThat(r.stderr()).startsWith("no shell in this image: /no/bin/sh not found");
        }
    }

    @Test
    void rootAgentRunsANonRootLoginAsThatUser() throws IOException {
        try (SessionFixture fx = new SessionFixture(dir, accounts(
                "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh("nobody", fx.cert("nobody"), java.util.List.of(),
                    "id -u; id -g; pwd; echo $HOME $USER", null);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("65534\n65534\n/\n/nonexistent nobody\n");
        }
    }

    @Test
    void nonRootLoginGetsTheSupplementaryGroupsOfTheGroupFileNextToPasswd() throws IOException {
        Files.writeString(dir.resolve("group"), "root:x:0:\nnogroup:x:65534:\nteam:x:4242:alice,nobody\n"
                + "other:x:4343:alice\n");
        try (SessionFixture fx = new SessionFixture(dir, accounts(
                "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh("nobody", fx.cert("nobody"), java.util.List.of(), "id -G", null);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("65534 4242\n");
        }
    }

    @Test
    void unknownUserGetsAClearRefusal() throws IOException {
        try (SessionFixture fx = new SessionFixture(dir, accounts("root:x:0:0:root:/root:/bin/sh\n", "/bin/sh", 0))) {
            ProcessResult r = fx.ssh("ghost", fx.cert("ghost"), java.util.List.of(), "true", null);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).contains("unknown user ghost");
        }
    }

    @Test
    void nonRootAgentRefusesOtherUsers() throws IOException {
        // the agent pretends to run as nobody: only nobody may log in, root is refused in plain words
        try (SessionFixture fx = new SessionFixture(dir, accounts(
                "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n", "/bin/sh",
                65534))) {
            ProcessResult r = fx.ssh(fx.cert("root"), "id -u");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).contains("this agent runs as nobody (not root), so it can only log you in as nobody,"
                    + " not as root");
            assertThat(r.stdout()).isEmpty();
        }
    }
}
