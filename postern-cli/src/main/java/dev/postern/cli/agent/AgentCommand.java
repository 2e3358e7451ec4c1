package dev.postern.cli.agent;

import dev.postern.agent.Agent;
import dev.postern.agent.AgentConfig;
import dev.postern.agent.AgentTunnel;
import dev.postern.agent.DataDirLock;
import dev.postern.agent.join.JoinClient;
import dev.postern.agent.join.MachineFiles;
import dev.postern.agent.join.MachineIdentity;
import dev.postern.agent.join.RevocationPoller;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.Printable;
import dev.postern.cli.server.HostPort;
import dev.postern.common.ServerUrls;
import dev.postern.common.tls.Fingerprint;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code postern agent}: runs the in-machine SSH server, optionally supervising the machine's entrypoint; the
 * exit code is the entrypoint's when there is one. Two modes:
 *
 * <pre>
 * # tunnel mode: join once with a token, then dial out to the gateway; no listening socket
 * postern agent --server https://postern.example --join-token pjt_... --data /var/lib/postern -- nginx
 * # direct mode: listen where told, trust the given CA
 * postern agent --trusted-user-ca /etc/postern/user_ca.pub --listen 127.0.0.1:22 --data /var/lib/postern
 * </pre>
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the machine agent: an SSH server that accepts only your org's user certificates,"
                + " and (after --) the machine's entrypoint, whose exit status becomes the agent's.")
public final class AgentCommand implements Callable<Integer> {
    private final Map<String, String> environment;

    @Spec
    CommandSpec spec;

    /** An agent that reads this process's environment variables. */
    public AgentCommand() {
        this(System.getenv());
    }

    /** An agent that reads {@code environment} (only {@value ServerUrls#ALLOW_HTTP} so far). */
    public AgentCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Option(names = "--server", paramLabel = "URL",
            description = "Tunnel mode: the control plane to join (once, with --join-token) and whose gateway to dial.")
    String server;

    @Option(names = "--fingerprint", paramLabel = "sha256:HEX",
            description = "Tunnel mode: the control plane's TLS key as 'postern server' prints it; stored in --data"
                    + " at join and required of every later call (default: the system's trusted CAs)")
    String fingerprint;

    @Option(names = "--join-token", paramLabel = "TOKEN", defaultValue = "${env:POSTERN_JOIN_TOKEN}",
            description = "One-time machine join token ('postern tokens create machine --app APP'); needed only on"
                    + " the first start, the identity is kept in --data. On the command line every local user sees"
                    + " it in 'ps': prefer the POSTERN_JOIN_TOKEN variable or --join-token-file.")
    String joinToken;

    @Option(names = "--join-token-file", paramLabel = "FILE",
            description = "Read the join token from FILE (first line) instead; wins over --join-token.")
    Path joinTokenFile;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "local",
            description = "Region label shown by 'postern machines list' (default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--trusted-user-ca", paramLabel = "FILE",
            description = "Direct mode: user CA public key lines (as sshd's TrustedUserCAKeys).")
    Path trustedUserCa;

    @Option(names = "--listen", paramLabel = "ADDR:PORT",
            description = "Where to listen (direct mode default 127.0.0.1:22; tunnel mode listens nowhere unless"
                    + " given); 0.0.0.0 only if you ask for it.")
    String listen;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Where the agent keeps its host key (0600) and, once joined, its identity, host certificate,"
                    + " CA keys and revocation list. One agent per directory: a second one on it exits at once.")
    Path data;

    @Option(names = "--host-cert", paramLabel = "FILE",
            description = "Host certificate to present; re-read when replaced (direct mode).")
    Path hostCert;

    @Option(names = "--revoked", paramLabel = "FILE", description = "OpenSSH KRL of revoked certificates.")
    Path revoked;

    @Option(names = "--umask", paramLabel = "MODE", defaultValue = "022",
            description = "Octal umask of files and directories that SFTP and scp create (default ${DEFAULT-VALUE},"
                    + " as OpenSSH's sftp-server).")
    String umask;

    @Parameters(paramLabel = "ENTRYPOINT", arity = "0..*", description = "After --: the entrypoint and its args.")
    List<String> entrypoint = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        // before anything reads or writes --data: a second agent on it must not join, nor dial out
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(data);
        } catch (DataDirLock.InUseException | IllegalArgumentException e) {
            err.println("postern agent: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        AgentConfig config;
        RevocationPoller poller = null;
        try {
            AgentConfig.Builder builder;
            if (server != null) {
                server = ServerUrls.normalize(server);
                ServerUrls.requireSafe(server, environment.get(ServerUrls.ALLOW_HTTP));
                MachineFiles files = new MachineFiles(data);
                Optional<Fingerprint> pin = pin();
                // an expired host certificate and a new token: join again (see expired)
                Optional<MachineIdentity> joined = files.load().filter(known -> !expired(known, files, err));
                // a pin given again on a joined machine replaces the stored one (the operator re-pins)
                pin.filter(p -> joined.isPresent()).ifPresent(files::savePin);
                MachineIdentity id = joined.orElseGet(() -> join(files, pin));
                poller = new RevocationPoller(id, files, POLL);
                builder = AgentConfig.builder(data, files.userCaKeys()).hostCertFile(files.hostCertificate())
                        .revokedFile(files.revocations())
                        .tunnel(AgentTunnel.of(id.gateway(), id.machineId(), id.app(), id.gatewayHostKey(),
                                poller::pollSoon));
                if (listen == null) {
                    builder.listen(AgentConfig.DEFAULT_LISTEN_HOST, -1);
                }
                // what the control plane said at join time, shown escaped (this may be a terminal)
                err.println("postern agent: machine " + Printable.escape(id.name()) + " (" + Printable.escape(id.address())
                        + "), dialing out to " + Printable.escape(id.gateway()));
                err.flush();
            } else {
                if (trustedUserCa == null) {
                    throw new IllegalArgumentException("pass --server URL --join-token T (tunnel mode) or"
                            + " --trusted-user-ca FILE (direct mode)");
                }
                builder = AgentConfig.builder(data, trustedUserCa).hostCertFile(hostCert).revokedFile(revoked);
                if (listen == null) {
                    listen = AgentConfig.DEFAULT_LISTEN_HOST + ":" + AgentConfig.DEFAULT_LISTEN_PORT;
                }
            }
            if (listen != null) {
                listen(builder);
            }
            config = builder.entrypoint(entrypoint).umask(octalUmask(umask)).build();
        } catch (IllegalArgumentException | JoinClient.JoinException | UncheckedIOException e) {
            if (poller != null) {
                poller.close();
            }
            lock.close();
            err.println("postern agent: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        // Handlers go in before the entrypoint starts: a SIGTERM that arrives while the SSH server is still
        // starting must reach the entrypoint too, not kill the JVM and orphan it.
        SignalRelay relay = new SignalRelay();
        List<Restore> previous = forward(relay);
        try (RevocationPoller closePoller = poller; Agent agent = Agent.start(config, lock)) {
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

    /**
     * How often a tunnel-mode agent fetches its org's revocation list when nobody tells it to: the gateway pushes
     * word of every change through the tunnel, so this is the fallback for a push that got lost.
     */
    private static final Duration POLL = Duration.ofSeconds(30);

    private Optional<Fingerprint> pin() {
        if (fingerprint == null) {
            return Optional.empty();
        }
        Fingerprint pin = Fingerprint.parse("--fingerprint", fingerprint);
        if (!server.regionMatches(true, 0, "https://", 0, 8)) {
            throw new IllegalArgumentException("--fingerprint pins a TLS key, but --server " + server + " is plain"
                    + " HTTP; use the https:// URL of the control plane");
        }
        return Optional.of(pin);
    }

    private MachineIdentity join(MachineFiles files, Optional<Fingerprint> pin) {
        if (joinTokenFile != null) {
            joinToken = readJoinToken(joinTokenFile);
        }
        if (joinToken == null || joinToken.isBlank()) {
            throw new IllegalArgumentException("--join-token is required on the first start (nothing in " + data
                    + " yet); create one with 'postern tokens create machine --app APP'");
        }
        // creates --data (0700) when missing
        HostKeys keys = HostKeys.loadOrCreate(data, Optional.empty());
        return new JoinClient(pin).join(server, joinToken, keys.publicKeyLine(), region, files);
    }

    /**
     * Whether the stored host certificate has expired (the machine was offline past it and could not renew) and a
     * new join token was given, so the agent joins again, as a new machine with the same host key. Without a token
     * it says what to do and runs on: the gateway refuses it until then.
     */
    private boolean expired(MachineIdentity id, MachineFiles files, PrintWriter err) {
        java.time.Instant end;
        try {
            long before = OpenSshKeys.readCertificate(files.hostCertificate()).getValidBefore();
            if (before == org.apache.sshd.common.config.keys.OpenSshCertificate.INFINITY || before < 0) {
                return false;
            }
            end = java.time.Instant.ofEpochSecond(before);
        } catch (IOException | RuntimeException e) {
            return false; // the agent's own start reports a missing or bad certificate
        }
        if (java.time.Instant.now().isBefore(end)) {
            return false;
        }
        if ((joinToken == null || joinToken.isBlank()) && joinTokenFile == null) {
            err.println("postern agent: the host certificate of machine " + id.name() + " expired at " + end
                    + "; join again with a new token: 'postern tokens create machine --app " + id.app()
                    + "', then restart with --join-token");
            err.flush();
            return false;
        }
        err.println("postern agent: the host certificate of machine " + id.name() + " expired at " + end
                + "; joining again with the given token");
        err.flush();
        return true;
    }

    private static int octalUmask(String value) {
        if (!value.matches("0?[0-7]{1,3}")) {
            String shown = value.length() > 8 ? value.substring(0, 8) + "..." : value;
            throw new IllegalArgumentException("--umask '" + shown + "' is not an octal mode; pass e.g. 022 (the"
                    + " default) or 077");
        }
        return Integer.parseInt(value, 8);
    }

    private static String readJoinToken(Path file) {
        try {
            String token = Files.readAllLines(file).stream().findFirst().orElse("").trim();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("--join-token-file " + file + " is empty; put the token from"
                        + " 'postern tokens create machine --app APP' on its first line");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalArgumentException("--join-token-file " + file + " cannot be read (" + e.getMessage()
                    + "); pass a file readable by the agent holding the join token", e);
        }
    }

    private void listen(AgentConfig.Builder builder) {
        HostPort at = HostPort.parse("--listen", listen, "127.0.0.1:22");
        builder.listen(at.host(), at.port());
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
