package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.agent.session.Accounts;
import dev.postern.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One agent per data directory, in one JVM (embedders, tests); {@code AgentProcessIT} in postern-cli plays
 * the same with two agent processes.
 */
class DataDirLockIT {
    @TempDir
    Path dir;

    @Test
    void aSecondAgentOnTheSameDataDirectoryIsRefusedAndTheFirstKeepsServing() throws Exception {
        try (AgentFixture first = new AgentFixture(dir, Accounts.system())) {
            Path marker = dir.resolve("second-entrypoint-ran");
            AgentConfig second = AgentConfig.builder(dir.resolve("data"), dir.resolve("user_ca.pub"))
                    .listen("127.0.0.1", 0).entrypoint(List.of("touch", marker.toString())).build();

            assertThatThrownBy(() -> Agent.start(second)).isInstanceOf(DataDirLock.InUseException.class)
                    .hasMessageContaining("--data " + dir.resolve("data").toRealPath() + " is in use by another"
                            + " postern agent")
                    .hasMessageContaining("Stop the other agent, or give this one its own --data directory");

            assertThat(marker).as("the refused agent started no entrypoint").doesNotExist();
            ProcessResult r = first.ssh(first.cert("root"), "echo still-serving");
            assertThat(r.stdout()).as(r.toString()).isEqualTo("still-serving\n");
        }
        // a restart on the same directory, once the first agent is gone
        try (AgentFixture restarted = new AgentFixture(dir, Accounts.system())) {
            assertThat(restarted.ssh(restarted.cert("root"), "echo ok").stdout()).isEqualTo("ok\n");
        }
    }

    /**
     * The attacker is any local user when the admin points --data at a directory others may write (a shared
     * volume, mkdir under umask 002): user_ca.pub, which says whose certificates log in as root, is a rename
     * away. OpenSSH's StrictModes refuses such files; the agent must refuse to start on such a directory.
     */
    @Test
    void aDataDirectoryOthersOrTheGroupMayWriteIsRefused() throws Exception {
        for (String mode : List.of("rwxrwxrwx", "rwxrwx---", "rwx-w----", "rwxrwxrwt")) {
            Path data = Files.createDirectories(dir.resolve("shared-" + mode.hashCode()));
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString(mode.replace('t', 'x')));
            if (mode.endsWith("t")) {
                assertThat(new ProcessBuilder("chmod", "+t", data.toString()).start().waitFor()).isZero();
            }
            assertThatThrownBy(() -> DataDirLock.acquire(data)).as(mode).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--data " + data.toRealPath()
                            + ": the directory may be written by other users")
                    .hasMessageContaining("chmod go-w " + data.toRealPath());
            assertThat(data.resolve(DataDirLock.FILE)).as("nothing written into " + mode).doesNotExist();
        }
    }

    /** Whoever may write a directory above renames the data directory away and puts one of their own in place. */
    @Test
    void aDataDirectoryBelowADirectoryOthersMayWriteIsRefused() throws Exception {
        Path above = Files.createDirectories(dir.resolve("above"));
        Path data = Files.createDirectories(above.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(above, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> DataDirLock.acquire(data)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the directory " + above.toRealPath() + " on its path may be written by other"
                        + " users").hasMessageContaining("chmod go-w " + above.toRealPath());
        assertThat(data.resolve(DataDirLock.FILE)).as("nothing written").doesNotExist();
    }

    @Test
    void aDataDirectoryOwnedByAnotherUserIsRefused() throws Exception {
        Path data = Files.createDirectories(dir.resolve("alices"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(data, "unix:uid", TestUsers.ALICE_UID);

        assertThatThrownBy(() -> DataDirLock.acquire(data)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--data " + data.toRealPath() + ": the directory is owned by uid "
                        + TestUsers.ALICE_UID);
        assertThat(data.resolve(DataDirLock.FILE)).doesNotExist();
    }

    @Test
    void aDataPathThatIsAFileIsRefusedByName() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> DataDirLock.acquire(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--data " + file + " is not a directory");
    }
}
