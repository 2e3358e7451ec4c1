package dev.postern.agent;

import dev.postern.agent.files.FileTransfer;
import dev.postern.agent.files.UserDirectory;
import dev.postern.agent.forward.Forwarding;
import dev.postern.agent.session.AuditLog;
import dev.postern.agent.session.Sessions;
import dev.postern.agent.tunnel.Backoff;
import dev.postern.agent.tunnel.GatewayTrust;
import dev.postern.agent.tunnel.HostCertRenewer;
import dev.postern.agent.tunnel.TunnelClient;
import dev.postern.agent.tunnel.TunnelConfig;
import dev.postern.ssh.CertificateAuthenticator;
import dev.postern.ssh.HostCertFile;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.InProcessSshServer;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.RevocationFile;
import dev.postern.ssh.RevocationList;
import dev.postern.ssh.ServerSetup;
import dev.postern.ssh.TrustPolicy;
import dev.postern.ssh.TrustedKeysFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-machine SSH server in direct mode: it listens where told, accepts only user certificates of the
 * trusted CA, and runs shells and commands as the login user with the entrypoint's environment. When given
 * an entrypoint it supervises it, and the entrypoint keeps running even if the SSH server cannot start.
 *
 * <pre>{@code
 * try (Agent agent = Agent.start(config)) {
 *     System.exit(agent.awaitEntrypoint());
 * }
 * }</pre>
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final String HOST_CERT_RISK = "change the host certificate clients are shown";

    private final AgentConfig config;
    private final Supervisor entrypoint;
    private final SshServer server;
    private final Sessions sessions;
    private final Exception serverFailure;
    private final InProcessSshServer inProcess;
    private final TunnelClient tunnel;
    private volatile HostCertRenewer renewer;
    private volatile HostCertFile hostCert;
    private final RevokedSessions revokedSessions;
    private final DataDirLock lock;

    private Agent(AgentConfig config, Supervisor entrypoint, SshServer server, Sessions sessions,
                  Exception serverFailure, InProcessSshServer inProcess, TunnelClient tunnel,
                  RevokedSessions revokedSessions, DataDirLock lock) {
        this.revokedSessions = revokedSessions;
        this.lock = lock;
        this.inProcess = inProcess;
        this.tunnel = tunnel;
        this.config = config;
        this.entrypoint = entrypoint;
        this.server = server;
        this.sessions = sessions;
        this.serverFailure = serverFailure;
    }

    /**
     * Locks the data directory, starts the entrypoint (if any), then the SSH server. Returns once the server
     * listens.
     *
     * @throws DataDirLock.InUseException when another agent runs on the same data directory
     * @throws IOException when the entrypoint cannot start, or the SSH server cannot start and there is no
     *     entrypoint to keep running
     */
    public static Agent start(AgentConfig config) throws IOException {
        return start(config, DataDirLock.acquire(config.dataDir()));
    }

    /**
     * As {@link #start(AgentConfig)}, with the lock on the data directory already taken (the launcher takes it
     * before it joins, so that two agents never join with one directory); the agent releases it when closed.
     */
    public static Agent start(AgentConfig config, DataDirLock lock) throws IOException {
        try {
            if (!lock.dataDir().equals(config.dataDir().toAbsolutePath().normalize().toRealPath())) {
                throw new IllegalArgumentException("the lock is on " + lock.dataDir() + ", not on --data "
                        + config.dataDir());
            }
            return startLocked(config, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Agent startLocked(AgentConfig config, DataDirLock lock) throws IOException {
        StrictModes.checkFile(config.trustedUserCaFile(), "--trusted-user-ca");
        if (config.revokedFile().isPresent()) {
            StrictModes.checkFile(config.revokedFile().get(), "--revoked");
        }
        if (config.tunnel().isEmpty() && config.hostCertFile().isPresent()) {
            // re-read while running in direct mode (below): refused before the entrypoint starts, as the others
            StrictModes.checkFile(config.hostCertFile().get(), "--host-cert", HOST_CERT_RISK);
        }
        AppEnvironment environment = new AppEnvironment(config.environment());
        Started started = new Started();
        Exception failure = null;
        try {
            started.sessions = Sessions.start(config.accounts(), environment::forSessions, config.clock(),
                    config.killGrace());
            HostKeys hostKeys = HostKeys.loadOrCreate(config.dataDir(), config.hostCertFile());
            Supplier<RevocationList> revocations = revocations(config);
            // re-read on change, under the same StrictModes as at start: a CA replaced by the operator or the
            // control plane (written by the poller) takes over, and the connections of the old one end
            // (RevokedSessions)
            TrustedKeysFile trusted = TrustedKeysFile.required(config.trustedUserCaFile(), config.clock(),
                    path -> StrictModes.checkFile(path, "--trusted-user-ca"));
            started.server = newServer(config, started.sessions, hostKeys, trusted, revocations);
            started.revokedSessions = RevokedSessions.install(started.server, revocations, trusted, new AuditLog());
            if (config.tunnel().isPresent()) {
                // the host certificate is short-lived and renewed in flight: present the newest to every session
                AtomicReference<OpenSshCertificate> presented = new AtomicReference<>(hostKeys.certificate()
                        .orElse(null));
                if (presented.get() != null) {
                    started.server.setHostKeyCertificateProvider(session -> List.of(presented.get()));
                }
                started.inProcess = InProcessSshServer.of(started.server);
                started.tunnel = TunnelClient.start(tunnelConfig(config, config.tunnel().get(), hostKeys),
                        started.inProcess, config.tunnel().get().onRevocationsChanged(), environment::secrets);
                if (config.hostCertFile().isPresent()) {
                    started.renewer = HostCertRenewer.start(started.tunnel, config.hostCertFile().get(),
                            presented::set, config.clock());
                }
                LOG.info("postern agent dialing out to the gateway {}:{} as {}", config.tunnel().get().gatewayHost(),
                        config.tunnel().get().gatewayPort(), config.tunnel().get().machineId());
            } else if (config.hostCertFile().isPresent()) {
                // direct mode: the operator renews the certificate by replacing the file (cron, as for sshd);
                // each new connection is shown the last good one (the tunnel's renewer does this in tunnel mode)
                started.hostCert = HostCertFile.watch(config.hostCertFile().get(), hostKeys.publicKey(),
                        config.clock(), path -> StrictModes.checkFile(path, "--host-cert", HOST_CERT_RISK));
                HostCertFile watched = started.hostCert;
                started.server.setHostKeyCertificateProvider(session -> List.of(watched.get()));
            }
            if (config.listens()) {
                started.server.start();
                LOG.info("postern agent listening on {}:{}", config.listenHost(), boundPort(started.server));
            }
        } catch (IOException | RuntimeException e) {
            if (config.entrypoint().isEmpty()) {
                started.close();
                throw e;
            }
            failure = e;
        }
        Supervisor entrypoint = null;
        try {
            if (!config.entrypoint().isEmpty()) {
                if (started.tunnel != null && failure == null && !environment.awaitSecrets(SECRETS_WAIT)) {
                    LOG.warn("the app's secrets did not arrive through the tunnel within {} s; starting the"
                            + " entrypoint without them, it restarts with them once they arrive",
                            SECRETS_WAIT.toSeconds());
                }
                entrypoint = Supervisor.start(config.entrypoint(), environment, RESTART_GRACE);
            }
        } catch (IOException | RuntimeException e) {
            started.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.close();
            throw new IOException("interrupted while waiting for the app's secrets", e);
        }
        if (failure != null) {
            started.close();
            LOG.error("the SSH server could not start ({}); the entrypoint (pid {}) keeps running without it",
                    failure.getMessage(), entrypoint.pid(), failure);
            return new Agent(config, entrypoint, null, null, failure, null, null, null, lock);
        }
        Agent agent = new Agent(config, entrypoint, started.server, started.sessions, null, started.inProcess,
                started.tunnel, started.revokedSessions, lock);
        agent.renewer = started.renewer;
        agent.hostCert = started.hostCert;
        return agent;
    }

    /**
     * How long a tunnel-mode agent waits for its app's secrets before it starts the entrypoint. When the control
     * plane cannot be reached in that time, the entrypoint starts without them and is restarted once they arrive.
     */
    static final Duration SECRETS_WAIT = Duration.ofSeconds(10);
    /** How long an entrypoint being restarted for new secrets has between SIGTERM and SIGKILL. */
    static final Duration RESTART_GRACE = Duration.ofSeconds(10);

    /** What {@link #startLocked} has started so far, to close on a failure. */
    private static final class Started {
        Sessions sessions;
        SshServer server;
        RevokedSessions revokedSessions;
        InProcessSshServer inProcess;
        TunnelClient tunnel;
        HostCertRenewer renewer;
        HostCertFile hostCert;

        void close() {
            if (renewer != null) {
                renewer.close();
            }
            if (revokedSessions != null) {
                revokedSessions.close();
            }
            if (tunnel != null) {
                tunnel.close();
            }
            if (inProcess != null) {
                inProcess.close();
            }
            closeQuietly(server, sessions);
        }
    }

    /** The revocation list that logins and live sessions are checked against; one instance for both. */
    private static Supplier<RevocationList> revocations(AgentConfig config) {
        RevocationList none = RevocationList.empty();
        return config.revokedFile()
                .<Supplier<RevocationList>>map(f -> RevocationFile.required(f, config.clock(),
                        path -> StrictModes.checkFile(path, "--revoked")))
                .orElse(() -> none);
    }

    private static TunnelConfig tunnelConfig(AgentConfig config, AgentTunnel t, HostKeys hostKeys) {
        OpenSshCertificate cert = hostKeys.certificate().orElseThrow(() -> new IllegalArgumentException(
                "tunnel mode needs the machine's host certificate (--host-cert); join again to get one"));
        return new TunnelConfig(t.gatewayHost(), t.gatewayPort(), t.machineId(), t.app(), hostKeys.keyPair(), cert,
                GatewayTrust.pinned(OpenSshKeys.parsePublicKey(t.gatewayHostKeyLine())), Duration.ofSeconds(15),
                Backoff.DEFAULT, config.clock());
    }

    private static SshServer newServer(AgentConfig config, Sessions sessions, HostKeys hostKeys,
                                       TrustedKeysFile trusted, Supplier<RevocationList> revocations)
            throws IOException {
        // a joined agent knows its app and takes only certificates that name it; --trusted-user-ca alone knows none
        CertificateAuthenticator authenticator = new CertificateAuthenticator(
                TrustPolicy.of(trusted, revocations, config.clock()), config.tunnel().map(AgentTunnel::app));
        SshServer server = SshServer.setUpDefaultServer();
        ServerSetup.lockDown(server, authenticator, hostKeys, config.limits());
        ServerSetup.guardPreAuth(server, config.preAuth(), config.clock());
        server.setChannelFactories(List.of(sessions.channelFactory()));
        server.setShellFactory(sessions.shellFactory());
        server.setSubsystemFactories(List.of());
        // files and forwards look users up in the same passwd and group files as sessions
        UserDirectory users = new UserDirectory(config.accounts().passwdFile(), config.accounts().groupFile());
        // sets the command factory: scp, else exec
        FileTransfer.install(server, users, sessions.commandFactory(), config.umask());
        Forwarding.install(server, users); // after the channel factories: adds direct-tcpip
        server.setHost(config.listenHost());
        server.setPort(config.listenPort());
        return server;
    }

    /** Whether the reverse tunnel to the gateway is up (false in direct mode). */
    public boolean tunnelOnline() {
        return tunnel != null && tunnel.isOnline();
    }

    /**
     * The host certificate new sessions are shown: in tunnel mode the one the tunnel logs in with (the newest after
     * renewals), in direct mode the last good one read from {@code --host-cert}; empty without one.
     */
    public Optional<OpenSshCertificate> hostCertificate() {
        if (tunnel != null) {
            return Optional.of(tunnel.certificate());
        }
        return hostCert == null ? Optional.empty() : Optional.of(hostCert.get());
    }

    /** The last reason the gateway gave for closing or refusing the tunnel (empty when none, or direct mode). */
    public String gatewayMessage() {
        return tunnel == null ? "" : tunnel.gatewayMessage();
    }

    /** The port the SSH server listens on (useful when configured with port 0). */
    public int port() {
        if (!config.listens()) {
            throw new IllegalStateException("this agent runs in tunnel mode and listens on no port");
        }
        if (server == null) {
            throw new IllegalStateException("the SSH server is not running: " + serverFailure.getMessage());
        }
        return boundPort(server);
    }

    /** Why the SSH server is not running, when the agent kept only its entrypoint alive. */
    public Optional<Exception> serverFailure() {
        return Optional.ofNullable(serverFailure);
    }

    /** Whether this agent supervises an entrypoint. */
    public boolean hasEntrypoint() {
        return entrypoint != null;
    }

    /**
     * Waits for the entrypoint to exit and returns its exit status (128 + signal number when killed).
     *
     * @throws IllegalStateException when the agent has no entrypoint
     */
    public int awaitEntrypoint() throws InterruptedException {
        if (entrypoint == null) {
            throw new IllegalStateException("this agent has no entrypoint; pass one after '--'");
        }
        return entrypoint.await();
    }

    /** Forwards a signal number (e.g. 15, SIGTERM) to the entrypoint; does nothing without one. */
    public void signalEntrypoint(int signal) {
        if (entrypoint != null) {
            entrypoint.signal(signal);
        }
    }

    public AgentConfig config() {
        return config;
    }

    /**
     * Stops the SSH server, then ends its sessions' processes (SIGHUP, SIGKILL after the kill grace, and a bounded
     * wait until they are gone), then the entrypoint (SIGTERM, SIGKILL after 10 s), then releases the data
     * directory.
     */
    @Override
    public void close() {
        if (renewer != null) {
            renewer.close();
        }
        if (revokedSessions != null) {
            revokedSessions.close();
        }
        if (tunnel != null) {
            tunnel.close();
        }
        if (inProcess != null) {
            inProcess.close();
        }
        closeQuietly(server, sessions);
        if (entrypoint != null) {
            try {
                entrypoint.stop(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            lock.close(); // last: the next agent on this directory may start once this one is gone
        } catch (IOException e) {
            LOG.warn("releasing the lock on {} failed: {}", lock.dataDir(), e.getMessage());
        }
    }

    private static int boundPort(SshServer server) {
        for (SocketAddress a : server.getBoundAddresses()) {
            if (a instanceof InetSocketAddress i) {
                return i.getPort();
            }
        }
        return server.getPort();
    }

    private static void closeQuietly(SshServer server, Sessions sessions) {
        if (server != null) {
            try {
                server.stop(true);
            } catch (IOException e) {
                LOG.warn("stopping the SSH server failed: {}", e.getMessage());
            }
        }
        if (sessions != null) {
            sessions.close();
        }
    }
}
