package dev.postern.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.files.TestMachine;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ssh -A with a real ssh-agent: the user's processes reach it only when the certificate permits. */
class AgentForwardingIT {
    @TempDir
    static Path dir;
    static TestMachine machine;
    static Background sshAgent;
    static Path agentSocket;

    @BeforeAll
    static void start() throws Exception {
        machine = TestMachine.start(dir);
        agentSocket = dir.resolve("client-agent.sock");
        sshAgent = new Background(List.of("ssh-agent", "-D", "-a", agentSocket.toString()), Map.of());
        sshAgent.awaitLine(Pattern.compile("SSH_AUTH_SOCK="), Duration.ofSeconds(20));
        Path key = machine.ca().issue("in-agent", "nobody-uses-this");
        ProcessResult add = Processes.run(Duration.ofSeconds(20), List.of("ssh-add", key.toString()), null,
                Map.of("SSH_AUTH_SOCK", agentSocket.toString()), null);
        assertThat(add.exitCode()).as(add.toString()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        sshAgent.close();
        machine.close();
    }

    @Test
    void forwardedAgentListsTheClientsKeysWhenPermitted() {
        Path alice = machine.ca().issue("alice", "alice");

        ProcessResult r = machine.ssh(alice, "alice", List.of("-o", "ForwardAgent=" + agentSocket), null,
                Map.of("SSH_AUTH_SOCK", agentSocket.toString()), "ssh-add -l; echo \"sock=$SSH_AUTH_SOCK\"");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString()).contains("in-agent (ED25519)");
        assertThat(r.stdout()).contains("sock=" + dir.resolve("agent-sockets"));
    }

    @Test
    void forwardedAgentSocketBelongsToTheUserAndIsRemovedAtLogout() throws IOException {
        Path alice = machine.ca().issue("alice2", "alice");

        ProcessResult r = machine.ssh(alice, "alice", List.of("-o", "ForwardAgent=" + agentSocket), null,
                Map.of("SSH_AUTH_SOCK", agentSocket.toString()), "stat -c '%u %a' \"$SSH_AUTH_SOCK\"");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout().trim()).isEqualTo(TestMachine.ALICE_UID + " 600");
        // the client may exit before the agent has finished closing the connection: wait, bounded
        assertThat(await(Duration.ofSeconds(15), () -> list(dir.resolve("agent-sockets")).isEmpty()))
                .as("agent directories are removed when the connection closes: %s", list(dir.resolve("agent-sockets")))
                .isTrue();
    }

    private static List<Path> list(Path d) {
        try (var s = Files.list(d)) {
            return s.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean await(Duration bound, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        return true;
    }

    @Test
    void noAgentWithoutPermitAgentForwarding() {
        Path noAgent = machine.ca().issue("alice-noagent", "alice", "no-agent-forwarding");

        ProcessResult r = machine.ssh(noAgent, "alice", List.of("-o", "ForwardAgent=" + agentSocket), null,
                Map.of("SSH_AUTH_SOCK", agentSocket.toString()), "echo \"sock=$SSH_AUTH_SOCK\"; ssh-add -l");

        assertThat(r.stdout()).contains("sock=\n");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2); // ssh-add: cannot connect to an agent
    }
}
