package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live sessions ended from the gateway side say why, on the stock OpenSSH client's stderr, before they drop:
 * a member removal and a server shutdown (machine removal: {@link MachineRemovalIT}).
 */
class SessionEndingsIT {
    @TempDir
    Path dir;
    private LifecyclePlane plane;
    private InProcessMachine machine;
    private boolean planeClosed;

    @BeforeEach
    void start() {
        plane = new LifecyclePlane(dir, Duration.ofDays(7));
        machine = plane.machine("m1");
    }

    @AfterEach
    void stop() {
        machine.close();
        if (!planeClosed) {
            plane.close();
        }
    }

    @Test
    void aRemovedMemberSeesWhyTheirSessionEnded() throws Exception {
        String invite = ok(plane.admin, "members", "add", "--org", "demo", "--email", "jane@example.com", "--role",
                "admin");
        CliRunner jane = new CliRunner(dir.resolve("jane"), plane.clock);
        ok(jane, "auth", "login", "--server", plane.plane.baseUrl(), "--token",
                invite.replaceAll("(?s).*?(pst_[A-Za-z0-9_-]+).*", "$1"));
        ok(jane, "ssh", "issue", "demo", "--dotssh", "-u", "root");
        ok(jane, "ssh", "config", "--app", "demo", "--org", "demo", "--short-names");
        Path config = jane.sshConfig("demo", "demo");
        assertThat(Files.exists(config)).isTrue();
        try (AuditCapture audit = new AuditCapture();
             LiveSsh live = LiveSsh.start(config, "root@" + machine.id() + ".vm.demo.internal", dir, "jane")) {
            ok(plane.admin, "members", "remove", "--org", "demo", "--email", "jane@example.com");
            assertThat(live.endsWithin(Duration.ofSeconds(5))).contains("no longer a member of org demo");
            MachineProcesses.awaitTrue(Duration.ofSeconds(10), () -> audit.endedWith("no longer a member of org demo"),
                    "the agent's session.end line naming the reason: " + audit.all());
        }
    }

    @Test
    void aServerShutdownSaysSo() {
        Path config = plane.sshConfig();
        try (AuditCapture audit = new AuditCapture();
             LiveSsh live = LiveSsh.start(config, "root@" + machine.id() + ".vm.demo.internal", dir, "shutdown")) {
            plane.close();
            planeClosed = true;
            assertThat(live.endsWithin(Duration.ofSeconds(5))).contains("the gateway is shutting down");
            MachineProcesses.awaitTrue(Duration.ofSeconds(10), () -> audit.endedWith("the gateway is shutting down"),
                    "the agent's session.end line naming the reason: " + audit.sessionEnds());
        }
        MachineProcesses.awaitTrue(Duration.ofSeconds(5), () -> machine.agent().gatewayMessage()
                .contains("the gateway is shutting down"), "the agent told why its tunnel closed");
    }
}
