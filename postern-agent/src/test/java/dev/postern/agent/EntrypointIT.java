package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervised entrypoint: its exit status, signal forwarding, and life without an SSH server. */
class EntrypointIT {
    @TempDir
    Path dir;

    @Test
    void agentReportsTheEntrypointsExitStatus() throws Exception {
        try (AgentFixture fx = new AgentFixture(dir, Accounts.system(), List.of("sh", "-c", "exit 5"))) {
            assertThat(fx.agent.awaitEntrypoint()).isEqualTo(5);
        }
    }

    @Test
    void aVariableGivenToTheEntrypointIsVisibleInASession() throws Exception {
        Map<String, String> env = new HashMap<>(AgentFixture.ENV);
        env.put("APP_DATABASE", "db-primary-7");
        Path seen = dir.resolve("entrypoint-saw");
        try (AgentFixture fx = new AgentFixture(dir, b -> b.accounts(Accounts.system()).environment(env)
                .entrypoint(List.of("sh", "-c", "echo \"$APP_DATABASE\" > " + seen + ".tmp; mv " + seen + ".tmp "
                        + seen + "; exec sleep 4246")))) {
            AgentFixture.await("the entrypoint wrote its environment", () -> Files.exists(seen));
            ProcessResult r = fx.ssh(fx.cert("root"), "echo \"$APP_DATABASE\"");
            assertThat(Files.readString(seen)).isEqualTo("db-primary-7\n");
            assertThat(r.stdout()).as(r.toString()).isEqualTo("db-primary-7\n");
        }
    }

    @Test
    void sigtermIsForwardedAndTheStatusReflectsIt() throws Exception {
        try (AgentFixture fx = new AgentFixture(dir, Accounts.system(),
                List.of("sh", "-c", "trap 'exit 42' TERM; while :; do sleep 0.05; done"))) {
            // bounded: the trap must be installed before the signal arrives
            AgentFixture.await("entrypoint shell is looping",
                    () -> !AgentFixture.processesRunning("sleep", "0.05").isEmpty());
            fx.agent.signalEntrypoint(15);
            assertThat(fx.agent.awaitEntrypoint()).isEqualTo(42);
        }
    }

    @Test
    void entrypointKeepsRunningWhenTheSshServerCannotStart() throws Exception {
        AgentFixture.keygen(dir.resolve("ca"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AgentConfig config = AgentConfig.builder(dir.resolve("data"), dir.resolve("ca.pub"))
                    .listen("127.0.0.1", taken.getLocalPort()).environment(AgentFixture.ENV)
                    .entrypoint(List.of("sh", "-c", "echo $APP_MARKER > " + dir.resolve("out") + "; exit 9"))
                    .build();
            try (Agent agent = Agent.start(config)) {
                assertThat(agent.serverFailure()).isPresent();
                assertThat(agent.awaitEntrypoint()).isEqualTo(9);
                assertThat(Files.readString(dir.resolve("out"))).isEqualTo("from-the-entrypoint\n");
            }
        }
    }

    @Test
    void withoutEntrypointAServerFailureIsThrown() throws IOException {
        AgentFixture.keygen(dir.resolve("ca"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AgentConfig config = AgentConfig.builder(dir.resolve("data"), dir.resolve("ca.pub"))
                    .listen("127.0.0.1", taken.getLocalPort()).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Agent.start(config))
                    .isInstanceOf(IOException.class);
        }
    }
}
