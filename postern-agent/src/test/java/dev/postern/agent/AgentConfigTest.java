package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsListenOnLoopbackPort22() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pub"), "x");
        AgentConfig c = AgentConfig.builder(dir.resolve("data"), ca).build();
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(22);
    }

    @Test
    void errorsNameTheFlagAndTheFix() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pub"), "x");
        assertThatThrownBy(() -> AgentConfig.builder(dir, dir.resolve("nope.pub")).build())
                .hasMessageContaining("--trusted-user-ca " + dir.resolve("nope.pub") + " cannot be read");
        assertThatThrownBy(() -> AgentConfig.builder(dir, ca).listen("127.0.0.1", 70000).build())
                .hasMessageContaining("--listen port 70000 is out of range");
        assertThatThrownBy(() -> AgentConfig.builder(ca, ca).build())
                .hasMessageContaining("--data " + ca + " is not a directory");
        assertThatThrownBy(() -> AgentConfig.builder(dir, ca).revokedFile(dir.resolve("krl")).build())
                .hasMessageContaining("--revoked " + dir.resolve("krl") + " cannot be read");
        assertThatThrownBy(() -> AgentConfig.builder(dir, ca).hostCertFile(dir.resolve("c")).build())
                .hasMessageContaining("--host-cert " + dir.resolve("c") + " cannot be read");
    }

    @Test
    void theEnvironmentHandedOnKeepsTheOperatorsVariablesButNotTheAgentsOrTheLaunchers() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pub"), "x");
        Map<String, String> byOperator = Map.of("MALLOC_ARENA_MAX", "4", "POSTERN_JOIN_TOKEN", "pjt_x", "LANG", "C");
        assertThat(AgentConfig.builder(dir, ca).environment(byOperator).build().environment())
                .isEqualTo(Map.of("MALLOC_ARENA_MAX", "4", "LANG", "C"));

        Map<String, String> byLauncher = Map.of("MALLOC_ARENA_MAX", "2", "POSTERN_LAUNCHER_ENV", "MALLOC_ARENA_MAX",
                "LANG", "C");
        assertThat(AgentConfig.builder(dir, ca).environment(byLauncher).build().environment())
                .isEqualTo(Map.of("LANG", "C"));
    }
}
