package dev.postern.cli.agent;

import dev.postern.agent.Agent;
import dev.postern.agent.AgentConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code postern agent}: runs the in-machine SSH server in direct mode, optionally supervising the
 * machine's entrypoint; the exit code is the entrypoint's when there is one.
 *
 * <pre>
 * postern agent --trusted-user-ca /etc/postern/user_ca.pub --data /var/lib/postern -- nginx -g 'daemon off;'
 * </pre>
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the machine agent: an SSH server that accepts only your org's user certificates,"
                + " and (after --) the machine's entrypoint, whose exit status becomes the agent's.")
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--trusted-user-ca", required = true, paramLabel = "FILE",
            description = "User CA public key lines (as sshd's TrustedUserCAKeys).")
    Path trustedUserCa;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:22",
            description = "Where to listen (default ${DEFAULT-VALUE}); 0.0.0.0 only if you ask for it.")
    String listen;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Where the host key is kept.")
    Path data;

    @Option(names = "--host-cert", paramLabel = "FILE", description = "Host certificate to present.")
    Path hostCert;

    @Option(names = "--revoked", paramLabel = "FILE", description = "OpenSSH KRL of revoked certificates.")
    Path revoked;

    @Parameters(paramLabel = "ENTRYPOINT", arity = "0..*", description = "After --: the entrypoint and its args.")
    List<String> entrypoint = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        AgentConfig config;
        try {
            int colon = listen.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--listen " + listen + " needs ADDR:PORT, e.g. 127.0.0.1:22");
            }
            String host = listen.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
            int port;
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--listen " + listen + " has no numeric port; use e.g. 127.0.0.1:22");
            }
            config = AgentConfig.builder(data, trustedUserCa).listen(host, port).hostCertFile(hostCert)
                    .revokedFile(revoked).entrypoint(entrypoint).build();
        } catch (IllegalArgumentException e) {
            err.println("postern agent: " + e.getMessage());
            err.flush();
            return 2;
        }
        // Handlers go in before the entrypoint starts: a SIGTERM that arrives while the SSH server is still
        // starting must reach the entrypoint too, not kill the JVM and orphan it.
        SignalRelay relay = new SignalRelay();
        List<Restore> previous = forward(relay);
        try (Agent agent = Agent.start(config)) {
            if (agent.hasEntrypoint()) {
                relay.attach(agent::signalEntrypoint);
                return agent.awaitEntrypoint();
            }
            CountDownLatch stop = new CountDownLatch(1);
            relay.attach(signal -> stop.countDown());
            stop.await();
            return 0;
        } finally {
            previous.forEach(Restore::run);
        }
    }

    private interface SignalSink {
        void accept(int signal);
    }

    /** Holds signals that arrive before there is anything to forward them to, then forwards them in order. */
    private static final class SignalRelay implements SignalSink {
        private final List<Integer> early = new ArrayList<>();
        private SignalSink target;

        @Override
        public synchronized void accept(int signal) {
            if (target == null) {
                early.add(signal);
            } else {
                target.accept(signal);
            }
        }

        synchronized void attach(SignalSink sink) {
            target = sink;
            early.forEach(sink::accept);
            early.clear();
        }
    }

    private record Restore(Signal signal, SignalHandler handler) {
        void run() {
            Signal.handle(signal, handler);
        }
    }

    /** SIGTERM and SIGINT go to {@code sink} instead of ending the JVM (an init forwards, then reaps). */
    private static List<Restore> forward(SignalSink sink) {
        List<Restore> previous = new ArrayList<>();
        for (String name : List.of("TERM", "INT")) {
            Signal signal = new Signal(name);
            previous.add(new Restore(signal, Signal.handle(signal, s -> sink.accept(s.getNumber()))));
        }
        return previous;
    }
}
