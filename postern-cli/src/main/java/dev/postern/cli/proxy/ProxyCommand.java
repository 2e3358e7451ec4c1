package dev.postern.cli.proxy;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.connect.MachineConnection;
import dev.postern.cli.connect.TargetOptions;
import dev.postern.cli.connect.Targets;
import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postern proxy LOCAL[:REMOTE] --app A [--machine ID] [--bind 127.0.0.1]}: a local port forwarded to
 * the machine's loopback REMOTE port through the end-to-end session (direct-tcpip inside it), until Ctrl-C.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"Forward a local port to a port on a machine's loopback, through the gateway, until Ctrl-C.",
            "Example: postern proxy 15432:5432 --app db  (then psql -h 127.0.0.1 -p 15432)"})
public final class ProxyCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Parameters(index = "0", paramLabel = "LOCAL[:REMOTE]", description = "local port, and the machine's port (default: the same)")
    String ports;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "local address to listen on (default ${DEFAULT-VALUE})")
    String bind;

    public ProxyCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PortSpec spec = PortSpec.parse(ports);
        Targets.Resolved resolved = Targets.resolve(env, target, null);
        try (MachineConnection c = resolved.connect(env)) {
            c.session().addChannelListener(new RefusedForwards(env.err(), resolved.machine().id(), spec.remote()));
            return forward(c, resolved, spec);
        }
    }

    private Integer forward(MachineConnection c, Targets.Resolved resolved, PortSpec spec) {
        try (Forward f = Forward.start(c.session(), bind, spec)) {
            env.out().println("Forwarding " + f.local() + " -> " + resolved.machine().id() + " (" + resolved.machine().name()
                    + ") 127.0.0.1:" + spec.remote() + "; Ctrl-C to stop.");
            env.out().flush();
            c.session().waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), 0L);
            // Idle is fine (keepalives hold the connection open); this is the gateway or the machine going away.
            String why = c.endReason().isEmpty() ? "" : ": " + c.endReason();
            env.err().println("postern: the connection to " + resolved.machine().id() + " ended" + why
                    + "; run the same command again once 'postern machines list' shows it online");
            return ExitCodes.FAILURE;
        }
    }

    /** A running local forward; closing it stops listening. */
    public record Forward(ExplicitPortForwardingTracker tracker) implements AutoCloseable {
        static Forward start(ClientSession session, String bind, PortSpec spec) {
            return start(session, bind, spec.local(), spec.remote());
        }

        public static Forward start(ClientSession session, String bind, int local, int remote) {
            try {
                return new Forward(session.createLocalPortForwardingTracker(new SshdSocketAddress(bind, local),
                        new SshdSocketAddress("127.0.0.1", remote)));
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILURE, "cannot listen on " + bind + ":" + local + " (" + e.getMessage()
                        + "); choose another LOCAL port", e);
            }
        }

        public String local() {
            return tracker.getBoundAddress().toString();
        }

        public int localPort() {
            return tracker.getBoundAddress().getPort();
        }

        @Override
        public void close() {
            try {
                tracker.close();
            } catch (IOException ignored) {
                // stopping anyway
            }
        }
    }
}
