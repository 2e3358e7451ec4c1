package dev.postern.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.client.Session;
import dev.postern.ssh.ServerLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle connection to a machine (a proxy with no clients, a console nobody types in) stays up: here the agent
 * cuts connections idle for 3 s (its real {@link ServerLimits}, an hour by default) and the gateway (OpenSSH) a
 * direct-tcpip channel idle for 3 s, and the client's keepalives keep both from firing, as OpenSSH's
 * ServerAliveInterval would. A machine that goes away still ends the connection, with a reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleConnectionIT {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final Duration AGENT_IDLE = Duration.ofSeconds(3);
    @TempDir
    static Path tmp;
    StandInPlane p;
    UserIdentity identity;

    @BeforeAll
    void start() throws Exception {
        ServerLimits d = ServerLimits.defaults();
        p = new StandInPlane(tmp, new ServerLimits(d.maxAuthRequests(), d.maxChannelsPerConnection(), d.authTimeout(),
                AGENT_IDLE), "ChannelTimeout direct-tcpip=" + AGENT_IDLE.toSeconds() + "s");
        identity = Identities.fresh(Session.require(p.env("")), "acme", null, "root");
    }

    @AfterAll
    void stop() {
        p.close();
    }

    @Test
    void anIdleConnectionOutlivesTheIdleTimeoutsOfAgentAndGateway() throws Exception {
        try (MachineConnection c = MachineConnection.open(p.route(), identity, "root", p.clock, TIMEOUT,
                new KeepAlive(Duration.ofSeconds(1), 3))) {
            // The bound is the condition under test: without keepalives the agent closes the session after 3 s.
            Set<ClientSession.ClientSessionEvent> seen = c.session().waitFor(
                    EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), AGENT_IDLE.multipliedBy(3));
            assertThat(seen).as("idle for 3x the agent's and the gateway's idle timeouts; ended: " + c.endReason())
                    .doesNotContain(ClientSession.ClientSessionEvent.CLOSED);
            assertThat(MachineConnectionIT.exec(c, "echo still here", "").out()).isEqualTo("still here\n");
            assertThat(c.endReason()).isEmpty();
        }
    }

    @Test
    void theClientHasNoIdleTimeoutOfItsOwn() {
        try (MachineConnection c = MachineConnection.open(p.route(), identity, "root", p.clock, TIMEOUT)) {
            // MINA's default (10 minutes) is what ended an idle 'postern proxy' against the demo
            assertThat(CoreModuleProperties.IDLE_TIMEOUT.getRequired(c.session())).isEqualTo(Duration.ZERO);
            assertThat(CoreModuleProperties.HEARTBEAT_INTERVAL.getRequired(c.session()))
                    .isEqualTo(KeepAlive.DEFAULT.interval());
        }
    }

    @Test
    void aMachineThatGoesAwayEndsTheConnectionWithAReason() throws Exception {
        ServerLimits d = ServerLimits.defaults();
        try (StandInPlane other = new StandInPlane(tmp.resolve("other"), d)) {
            UserIdentity id = Identities.fresh(Session.require(other.env("")), "acme", null, "root");
            MachineConnection c = MachineConnection.open(other.route(), id, "root", other.clock, TIMEOUT,
                    new KeepAlive(Duration.ofSeconds(1), 3));
            try (c) {
                other.agent.close();
                Set<ClientSession.ClientSessionEvent> seen = c.session().waitFor(
                        EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), TIMEOUT);
                assertThat(seen).contains(ClientSession.ClientSessionEvent.CLOSED);
                assertThat(c.endReason()).contains(other.machine.name());
            }
        }
    }
}
