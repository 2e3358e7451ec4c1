package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own configuration stays out of the entrypoint and the sessions: a member who logs in (as
 * alice, not root, or as root) runs {@code env} and reads the entrypoint's {@code /proc/PID/environ}, looking
 * for the join token the agent was started with.
 */
class ChildEnvironmentIT {
    private static final String TOKEN = "pjt_the-join-token-of-this-machine";

    @TempDir
    Path dir;

    @Test
    void neitherTheEntrypointNorAnySessionSeesTheAgentsOwnVariables() throws Exception {
        Map<String, String> agentEnv = new HashMap<>(AgentFixture.ENV);
        agentEnv.put("POSTERN_JOIN_TOKEN", TOKEN);
        agentEnv.put("POSTERN_MASTER_KEY", "bWFzdGVyIGtleSBvZiB0aGUgc2VydmVyIDMyIGJ5dGVz");
        agentEnv.put("POSTERN_ALLOW_HTTP", "1");
        // what the launcher script exports for the JVM alone
        agentEnv.put("POSTERN_LAUNCHER_ENV", "MALLOC_ARENA_MAX");
        agentEnv.put("MALLOC_ARENA_MAX", "2");
        agentEnv.put("APP_DATABASE", "db-primary-7");
        Path pidFile = dir.resolve("entrypoint.pid");
        try (AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir)).environment(agentEnv)
                .entrypoint(List.of("sh", "-c", "echo $$ > " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile
                        + "; exec sleep 4248")))) {
            AgentFixture.await("the entrypoint wrote its pid", () -> Files.exists(pidFile));
            String pid = Files.readString(pidFile).trim();
            List<String> entrypointEnv = Arrays.asList(Files.readString(Path.of("/proc", pid, "environ"),
                    StandardCharsets.UTF_8).split("\0"));
            assertOnlyTheAppsVariables(entrypointEnv, "the entrypoint's /proc/" + pid + "/environ");

            for (String login : List.of("alice", "root")) {
                ProcessResult r = fx.ssh(login, fx.cert(login), List.of(), "env", null);
                assertThat(r.exitCode()).as(r.toString()).isZero();
                List<String> sessionEnv = r.stdout().lines().toList();
                assertThat(sessionEnv).as(login + "'s session").contains("USER=" + login);
                assertOnlyTheAppsVariables(sessionEnv, login + "'s session");
            }
        }
    }

    private static void assertOnlyTheAppsVariables(List<String> env, String where) {
        assertThat(env).as(where).contains("APP_DATABASE=db-primary-7", "APP_MARKER=from-the-entrypoint");
        assertThat(env).as(where).noneMatch(v -> v.startsWith("POSTERN_") || v.startsWith("MALLOC_ARENA_MAX="));
        assertThat(String.join("\n", env)).as(where).doesNotContain(TOKEN);
    }
}
