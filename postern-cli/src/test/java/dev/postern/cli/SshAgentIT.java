package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postern ssh issue --agent} against a real OpenSSH ssh-agent started by the test. */
class SshAgentIT {
    @TempDir
    Path tmp;
    MutableClock clock = MutableClock.atWallTime();
    ControlPlane plane;
    Process agent;
    Path sock;

    @BeforeEach
    void start() throws Exception {
        plane = Plane.start(tmp.resolve("data"), clock);
        sock = tmp.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("agent.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(sock)) {
            assertThat(agent.isAlive()).as("ssh-agent exited: " + log()).isTrue();
            assertThat(System.nanoTime()).as("ssh-agent socket within 10 s").isLessThan(deadline);
            try {
                agent.onExit().get(50, TimeUnit.MILLISECONDS); // wakes early if the agent dies
            } catch (TimeoutException stillRunning) {
                // not listening yet: look again
            }
        }
    }

    private String log() {
        try {
            return Files.readString(tmp.resolve("agent.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.destroyForcibly();
        }
        plane.close();
    }

    @Test
    void issueWithAgentLeavesKeyAndCertificateInTheAgent() throws Exception {
        CliRunner admin = new CliRunner(tmp.resolve("admin"), clock).env("SSH_AUTH_SOCK", sock.toString());
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "ssh", "establish", "acme");
        Path key = tmp.resolve("k");
        String out = ok(admin, "ssh", "issue", "acme", key.toString(), "--agent");
        assertThat(out).contains("ssh-agent:   added to " + sock).contains("for 24h00m");

        ProcessResult listed = Processes.run(Duration.ofSeconds(20), List.of("ssh-add", "-L"), null,
                Map.of("SSH_AUTH_SOCK", sock.toString()), null);
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        String certBase64 = Files.readString(Path.of(key + "-cert.pub")).split("\\s+")[1];
        assertThat(listed.stdout()).contains("ssh-ed25519-cert-v01@openssh.com " + certBase64);

        ok(admin, "ssh", "issue", "acme", "-a");
        ProcessResult two = Processes.run(Duration.ofSeconds(20), List.of("ssh-add", "-L"), null,
                Map.of("SSH_AUTH_SOCK", sock.toString()), null);
        assertThat(two.stdout().lines().filter(l -> l.startsWith("ssh-ed25519-cert-v01@openssh.com"))).hasSize(2);
    }
}
