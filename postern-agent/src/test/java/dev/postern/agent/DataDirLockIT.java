package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.agent.session.Accounts;
import dev.postern.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void aDataPathThatIsAFileIsRefusedByName() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> DataDirLock.acquire(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--data " + file + " is not a directory");
    }
}
