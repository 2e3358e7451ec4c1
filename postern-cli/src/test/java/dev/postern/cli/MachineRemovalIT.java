package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.agent.Agent;
import dev.postern.agent.AgentConfig;
import dev.postern.agent.join.JoinClient;
import dev.postern.agent.join.MachineFiles;
import dev.postern.common.Json;
import dev.postern.common.api.MachineView;
import dev.postern.testing.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern machines remove} played against a machine that would like to stay: its live session, its agent's
 * tunnel, a re-join with its old host key, and the stock OpenSSH client meeting its host key again.
 */
class MachineRemovalIT {
    @TempDir
    Path dir;
    private LifecyclePlane plane;
    private InProcessMachine machine;
    private Agent direct;

    @BeforeEach
    void start() {
        plane = new LifecyclePlane(dir, Duration.ofDays(7));
        machine = plane.machine("m1");
    }

    @AfterEach
    void stop() {
        if (direct != null) {
            direct.close();
        }
        machine.close();
        plane.close();
    }

    @Test
    void aRemovedMachineLosesItsSessionItsTunnelAndItsIdentity() throws Exception {
        Path config = plane.sshConfig();
        String id = machine.id();
        String host = "root@" + id + ".vm.demo.internal";
        try (AuditCapture audit = new AuditCapture(); LiveSsh live = LiveSsh.start(config, host, dir, "console")) {
            ok(plane.admin, "machines", "remove", id, "--app", "demo");
            assertThat(live.endsWithin(Duration.ofSeconds(5))).contains("machine " + id + " was removed");
            awaitTrue(Duration.ofSeconds(10), () -> audit.endedWith("machine " + id + " was removed"),
                    "the agent's session.end line naming the reason: " + audit.sessionEnds());
        }

        // its agent keeps trying: every tunnel login is refused, and it is told why
        awaitTrue(Duration.ofSeconds(20), () -> machine.agent().gatewayMessage().contains("tunnel login refused"),
                "the gateway refusing the removed machine's tunnel");
        assertThat(machine.agent().gatewayMessage()).contains("unknown or was removed",
                "postern tokens create machine");
        assertThat(machine.agent().tunnelOnline()).isFalse();

        // a new join token does not bring the old identity back
        String token = plane.token(1);
        assertThatThrownBy(() -> new JoinClient().join(plane.plane.baseUrl(), token, machine.hostKeyLine(), "local",
                new MachineFiles(dir.resolve("again")))).hasMessageContaining("belongs to machine " + id)
                .hasMessageContaining("removed");

        assertThat(ok(plane.admin, "machines", "list", "--app", "demo")).doesNotContain(id);
        List<MachineView> all = Json.mapper().readValue(ok(plane.admin, "machines", "list", "--app", "demo", "--all",
                "--json"), new TypeReference<List<MachineView>>() { });
        assertThat(all).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(id);
            assertThat(m.state()).isEqualTo("removed");
        });

        // the removed host key is refused by stock ssh through the regenerated config, though its certificate is
        // still valid: play the machine with an agent listening on loopback with the removed identity
        config = plane.sshConfig();
        Path knownHosts = plane.admin.knownHosts("demo");
        String hostKey = machine.hostKeyLine().split(" ")[1];
        assertThat(Files.readString(knownHosts)).contains("@revoked * ssh-ed25519 " + hostKey);
        machine.stop();
        MachineFiles files = new MachineFiles(machine.data);
        direct = Agent.start(AgentConfig.builder(machine.data, files.userCaKeys()).hostCertFile(files.hostCertificate())
                .listen("127.0.0.1", 0).clock(plane.clock).build());
        List<String> straight = List.of("-o", "ProxyJump=none", "-o", "HostName=127.0.0.1", "-o",
                "Port=" + direct.port(), "-o", "HostKeyAlias=" + id + ".vm.demo.internal", "-o", "BatchMode=yes");

        Path withoutRevoked = dir.resolve("known_hosts_without_revoked");
        Files.writeString(withoutRevoked, Files.readString(knownHosts).lines().filter(l -> !l.startsWith("@revoked"))
                .collect(Collectors.joining("\n", "", "\n")));
        ProcessResult control = ssh(config, straight, List.of("-o", "UserKnownHostsFile=" + withoutRevoked), host);
        assertThat(control.exitCode()).as("the same connection without the @revoked line: " + control).isZero();

        ProcessResult refused = ssh(config, straight, List.of(), host);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(255);
        assertThat(refused.stderr()).contains("REVOKED HOST KEY");
    }

    @Test
    void removingIsForOwnersAndAdminsAndNamesWhatIsMissing() {
        CliRunner.Result unknown = plane.admin.run("machines", "remove", "0123456789abcd", "--app", "demo");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no machine '0123456789abcd' in app 'demo'");

        String invite = ok(plane.admin, "members", "add", "--org", "demo", "--email", "mia@example.com", "--role",
                "member");
        CliRunner mia = new CliRunner(dir.resolve("mia"), plane.clock);
        String token = invite.replaceAll("(?s).*?(pst_[A-Za-z0-9_-]+).*", "$1");
        ok(mia, "auth", "login", "--server", plane.plane.baseUrl(), "--token", token);
        CliRunner.Result member = mia.run("machines", "remove", machine.id(), "--app", "demo");
        assertThat(member.exit()).as(member.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(machine.agent().tunnelOnline()).as("a member's attempt changed nothing").isTrue();

        ok(plane.admin, "machines", "remove", machine.id());
        CliRunner.Result again = plane.admin.run("machines", "remove", machine.id(), "--app", "demo");
        assertThat(again.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("already removed");
    }

    private ProcessResult ssh(Path config, List<String> route, List<String> extra, String host) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ssh", "-F", config.toString(), "-v", "-n"));
        cmd.addAll(route);
        cmd.addAll(extra);
        cmd.add(host);
        cmd.add("true");
        Path err = Files.createTempFile(dir, "ssh", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        boolean ended = p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("ssh ended within 30 s: " + Files.readString(err)).isTrue();
        return new ProcessResult(p.exitValue(), "", Files.readString(err));
    }
}
