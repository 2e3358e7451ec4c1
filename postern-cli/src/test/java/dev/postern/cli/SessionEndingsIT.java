package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live sessions ended from the gateway side say why, on the stock OpenSSH client's stderr, before they drop:
 * a member removal and a server shutdown (machine removal: {@link MachineRemovalIT}). A machine's agent that stops
 * (tunnel mode) ends its sessions' processes, also those that ignore SIGHUP.
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

    @Test
    void aStoppingMachineLeavesNoProcessOfItsSessionsBehind() throws Exception {
        Path config = plane.sshConfig();
        try (LiveSsh live = LiveSsh.start(config, "root@" + machine.id() + ".vm.demo.internal", dir, "ignores-hup",
                "trap '' HUP; echo started; sleep 4291")) {
            MachineProcesses.awaitTrue(Duration.ofSeconds(10), () -> !running("sleep 4291").isEmpty(),
                    "the session's command runs");
            machine.stop(); // returns once the agent has closed
            assertThat(running("sleep 4291")).as("the session's command, which ignores SIGHUP, once the machine's"
                    + " agent has stopped").isEmpty();
            live.endsWithin(Duration.ofSeconds(10));
        } finally {
            running("sleep 4291").forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Live processes (not zombies) whose command line is {@code command}, words split at spaces. */
    private static List<ProcessHandle> running(String command) {
        String wanted = command.replace(' ', '\0') + "\0";
        return ProcessHandle.allProcesses().filter(p -> {
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            try {
                String stat = Files.readString(proc.resolve("stat"));
                return Files.readString(proc.resolve("cmdline"), StandardCharsets.ISO_8859_1)
                        .equals(wanted) && !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
            } catch (IOException gone) {
                return false;
            }
        }).toList();
    }
}
