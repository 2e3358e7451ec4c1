package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.tunnel.TunnelSecrets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the entrypoint and sessions start from, before and after the app's secrets arrive. */
class AppEnvironmentTest {
    private static final Map<String, String> INHERITED = Map.of("PATH", "/usr/bin:/bin", "APP_MODE", "prod",
            "SSH_CONNECTION", "10.0.0.9 51000 10.0.0.1 22", "SSH_AUTH_SOCK", "/tmp/x", "TERM", "xterm");

    @Test
    void sessionsDropTheAgentsOwnConnectionVariablesButNeverASecret() {
        AppEnvironment env = new AppEnvironment(INHERITED);
        assertThat(env.forSessions()).containsEntry("APP_MODE", "prod")
                .doesNotContainKeys("SSH_CONNECTION", "SSH_AUTH_SOCK", "TERM");

        env.secrets(new TunnelSecrets(2, Map.of("SSH_PRIVATE_KEY", "k3y", "DB_PASSWORD", "pw")));

        assertThat(env.forSessions()).containsEntry("SSH_PRIVATE_KEY", "k3y").containsEntry("DB_PASSWORD", "pw")
                .containsEntry("APP_MODE", "prod").doesNotContainKeys("SSH_CONNECTION", "SSH_AUTH_SOCK", "TERM");
        // the entrypoint keeps what the agent was started with, secrets on top
        assertThat(env.current()).containsEntry("SSH_PRIVATE_KEY", "k3y").containsEntry("TERM", "xterm");
    }

    @Test
    void aRedeployThatDropsASecretDropsItFromSessionsToo() {
        AppEnvironment env = new AppEnvironment(INHERITED);
        env.secrets(new TunnelSecrets(2, Map.of("SSH_PRIVATE_KEY", "k3y")));
        env.secrets(new TunnelSecrets(3, Map.of()));
        assertThat(env.forSessions()).doesNotContainKey("SSH_PRIVATE_KEY");
        assertThat(env.current()).doesNotContainKey("SSH_PRIVATE_KEY");
    }
}
