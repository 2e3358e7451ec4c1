package dev.postern.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.Agent;
import dev.postern.agent.AgentConfig;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliRunner;
import dev.postern.cli.Joins;
import dev.postern.cli.server.HostPort;
import dev.postern.common.api.JoinResponse;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.ServerLimits;
import dev.postern.testing.MutableClock;
import dev.postern.testing.OpenSshd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A control plane (org acme, app web, CA), one machine joined through {@code POST /v1/join} running the
 * agent in direct mode on loopback, and real OpenSSH sshd standing in for the gateway (it trusts the org's
 * user CA and allows direct-tcpip, which is all the client path needs) until the Postern gateway lands.
 */
final class StandInPlane implements AutoCloseable {
    final MutableClock clock = MutableClock.atWallTime();
    final ControlPlane plane;
    final CliRunner admin;
    final JoinResponse machine;
    final Agent agent;
    final OpenSshd gateway;

    StandInPlane(Path dir) throws IOException {
        this(dir, ServerLimits.defaults(), new String[0]);
    }

    /**
     * With the agent's per-connection {@code limits} (an idle timeout of seconds, say) and more lines for the
     * gateway's sshd_config ({@code ChannelTimeout direct-tcpip=3s}, say).
     */
    StandInPlane(Path dir, ServerLimits agentLimits, String... gatewayConfig) throws IOException {
        plane = ControlPlane.start(ControlPlaneConfig.local(dir.resolve("data"), clock));
        admin = new CliRunner(dir.resolve("admin"), clock);
        ok("auth", "login", "--server", plane.baseUrl(), "--token", plane.bootstrapToken().orElseThrow());
        ok("orgs", "create", "acme");
        ok("apps", "create", "web");
        ok("ssh", "establish");
        Matcher m = Pattern.compile("^(pjt_\\S+)$", Pattern.MULTILINE)
                .matcher(ok("tokens", "create", "machine", "--app", "web"));
        assertThat(m.find()).isTrue();
        Path agentData = dir.resolve("agent");
        HostKeys keys = HostKeys.loadOrCreate(agentData);
        machine = Joins.join(plane, m.group(1), keys.publicKeyLine(), "fra");
        Path cert = Files.writeString(agentData.resolve("host-cert.pub"), machine.hostCertificate() + "\n");
        Path userCa = Files.writeString(dir.resolve("user_ca.pub"), machine.userCaPublicKeys().get(0) + "\n");
        agent = Agent.start(AgentConfig.builder(agentData, userCa).listen("127.0.0.1", 0).hostCertFile(cert)
                .clock(clock).limits(agentLimits).build());
        List<String> config = new java.util.ArrayList<>(List.of("TrustedUserCAKeys " + userCa));
        config.addAll(List.of(gatewayConfig));
        gateway = OpenSshd.start(dir.resolve("gateway"), config);
    }

    /** The route a real gateway would take, but to the agent's loopback port instead of its name. */
    Route route() {
        return new Route(new HostPort("127.0.0.1", gateway.port()), OpenSshKeys.parsePublicKey(gateway.hostPublicKeyLine()),
                new HostPort("127.0.0.1", agent.port()), machine.name(), OpenSshKeys.parsePublicKey(machine.hostCaPublicKey()));
    }

    CliEnvironment env(String stdin) {
        return new CliEnvironment(Map.of("HOME", admin.home().toString(), "POSTERN_HOME", admin.posternHome().toString()),
                new ByteArrayInputStream(stdin.getBytes()), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), clock);
    }

    String ok(String... args) {
        CliRunner.Result r = admin.run(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
        return r.out();
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            try {
                agent.close();
            } finally {
                plane.close();
            }
        }
    }

    static void rethrow(IOException e) {
        throw new UncheckedIOException(e);
    }
}
