package dev.postern.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.AgentFixture;
import dev.postern.agent.TestUsers;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh -A with a real ssh-agent through the real agent: alice's processes reach it only when the certificate
 * permits.
 */
class AgentForwardingIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;
    static Background sshAgent;
    static Path agentSocket;

    @BeforeAll
    static void start() throws Exception {
        fx = new AgentFixture(dir, TestUsers.withAlice(dir));
        agentSocket = dir.resolve("client-agent.sock");
        sshAgent = new Background(List.of("ssh-agent", "-D", "-a", agentSocket.toString()), Map.of());
        sshAgent.awaitLine(Pattern.compile("SSH_AUTH_SOCK="), Duration.ofSeconds(20));
        Path key = dir.resolve("in-agent");
        ProcessResult gen = Processes.run(Duration.ofSeconds(20), List.of("ssh-keygen", "-q", "-t", "ed25519", "-N",
                "", "-C", "in-agent", "-f", key.toString()));
        assertThat(gen.exitCode()).as(gen.toString()).isZero();
        ProcessResult add = Processes.run(Duration.ofSeconds(20), List.of("ssh-add", key.toString()), null,
                Map.of("SSH_AUTH_SOCK", agentSocket.toString()), null);
        assertThat(add.exitCode()).as(add.toString()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        sshAgent.close();
        fx.close();
    }

    /** ssh as alice with agent forwarding asked for; the client only forwards an agent it may use itself. */
    private static ProcessResult sshWithAgent(Path cert, String command) {
        return fx.ssh("alice", cert, List.of("-o", "ForwardAgent=" + agentSocket, "-o", "IdentityAgent=" + agentSocket),
                command, null);
    }

    @Test
    void forwardedAgentListsTheClientsKeysWhenPermitted() {
        ProcessResult r = sshWithAgent(fx.cert("alice"), "ssh-add -l; echo \"sock=$SSH_AUTH_SOCK\"");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString()).contains("in-agent (ED25519)");
        assertThat(r.stdout()).contains("sock=" + Path.of(System.getProperty("java.io.tmpdir")).resolve("postern-agent-"));
    }

    @Test
    void forwardedAgentSocketBelongsToTheUserAndIsRemovedAtLogout() {
        ProcessResult r = sshWithAgent(fx.cert("alice"), "stat -c '%u %a' \"$SSH_AUTH_SOCK\"; echo \"$SSH_AUTH_SOCK\"");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo(TestUsers.ALICE_UID + " 600");
        Path socket = Path.of(lines.get(1));
        // the client may exit before the agent has finished closing the connection: wait, bounded
        AgentFixture.await("the forwarded agent socket " + socket + " and its directory are removed",
                () -> !Files.exists(socket) && !Files.exists(socket.getParent()));
    }

    /**
     * The attacker is alice: her socket directory is hers, so before logging out she moves it away and leaves a
     * symlink to a root-only directory in its place. The agent cleans up as root after she is gone; it must
     * not delete through her symlink (here the victim is a file named like the socket; on a host where
     * fs.protected_symlinks is 1 the kernel already refuses to follow her link in sticky /tmp).
     */
    @Test
    void logoutCleanupDoesNotFollowASymlinkAlicePutInPlaceOfHerSocketDirectory() throws Exception {
        Path rootOnly = Files.createDirectories(dir.resolve("root-only"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwx------"));
        Path victim = Files.writeString(rootOnly.resolve("agent.sock"), "root's file");
        String swap = "d=$(dirname \"$SSH_AUTH_SOCK\"); mv \"$d\" \"$d.moved\" && ln -s " + rootOnly
                + " \"$d\" && echo \"$d\"";

        ProcessResult r = sshWithAgent(fx.cert("alice"), swap);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path link = Path.of(r.stdout().trim());
        Path moved = Path.of(link + ".moved");
        try {
            AgentFixture.await("the agent has cleaned up alice's forwarded agent socket",
                    () -> !Files.exists(victim) || !Files.exists(moved.resolve("agent.sock")));
            assertThat(victim).as("deleted as root through alice's symlink").hasContent("root's file");
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(moved.resolve("agent.sock"));
            Files.deleteIfExists(moved);
        }
    }

    @Test
    void noAgentWithoutPermitAgentForwarding() {
        ProcessResult r = sshWithAgent(fx.cert("alice", "-O", "no-agent-forwarding"),
                "echo \"sock=$SSH_AUTH_SOCK\"; ssh-add -l");

        assertThat(r.stdout()).contains("sock=\n");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2); // ssh-add: cannot connect to an agent
    }
}
