package dev.postern.cli;

import dev.postern.agent.Agent;
import dev.postern.agent.AgentConfig;
import dev.postern.agent.AgentTunnel;
import dev.postern.agent.join.JoinClient;
import dev.postern.agent.join.MachineFiles;
import dev.postern.agent.join.MachineIdentity;
import dev.postern.agent.join.RevocationPoller;
import dev.postern.ssh.HostKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A machine as {@code postern agent --server URL --join-token T --data DIR} runs it (join once, then the tunnel),
 * in this JVM so that tests can give it their clock. Restarting it with the same data dir keeps its identity.
 */
final class InProcessMachine implements AutoCloseable {
    final Path data;
    final MachineIdentity identity;
    private final Clock clock;
    private RevocationPoller poller;
    private Agent agent;

    private InProcessMachine(Path data, MachineIdentity identity, Clock clock) {
        this.data = data;
        this.identity = identity;
        this.clock = clock;
    }

    /** Joins with {@code token} and starts the agent in tunnel mode. */
    static InProcessMachine join(String server, String token, Path data, Clock clock) {
        HostKeys keys = HostKeys.loadOrCreate(data, Optional.empty());
        MachineIdentity id = new JoinClient().join(server, token, keys.publicKeyLine(), "local", new MachineFiles(data));
        InProcessMachine m = new InProcessMachine(data, id, clock);
        m.start();
        return m;
    }

    /** Starts (again) from what the data dir holds. */
    void start() {
        MachineFiles files = new MachineFiles(data);
        poller = new RevocationPoller(identity, files, Duration.ofSeconds(30));
        AgentConfig config = AgentConfig.builder(data, files.userCaKeys()).hostCertFile(files.hostCertificate())
                .revokedFile(files.revocations()).clock(clock).listen(AgentConfig.DEFAULT_LISTEN_HOST, -1)
                .tunnel(AgentTunnel.of(identity.gateway(), identity.machineId(), identity.app(),
                        identity.gatewayHostKey(), poller::pollSoon))
                .build();
        try {
            agent = Agent.start(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Agent agent() {
        return agent;
    }

    String id() {
        return identity.machineId();
    }

    String hostKeyLine() {
        return HostKeys.loadOrCreate(data, Optional.empty()).publicKeyLine();
    }

    /** Stops the agent (the data dir stays). */
    void stop() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
        if (poller != null) {
            poller.close();
            poller = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
