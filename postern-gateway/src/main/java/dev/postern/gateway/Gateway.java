package dev.postern.gateway;

import dev.postern.ssh.CertificateAuthenticator;
import dev.postern.ssh.HostKeys;
import dev.postern.ssh.PreAuthGuard;
import dev.postern.ssh.ServerSetup;
import dev.postern.ssh.TrustPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.session.SessionHeartbeatController.HeartbeatType;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.global.NoMoreSessionsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH gateway: machines dial in and keep a reverse tunnel ({@code tcpip-forward} of their own name); people
 * jump through it ({@code ssh -J}) with {@code direct-tcpip} channels that are spliced onto a machine's tunnel.
 * See {@code package-info.java} for the picture and the rules.
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.start(GatewayConfig.of(directory, dataDir.resolve("gateway"), clock))) {
 *     System.out.println("gateway on " + gw.address());
 *     ...
 *     gw.revocationsChanged("acme");   // after a revoke: ends the sessions it applies to
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private final GatewayConfig config;
    private final ListeningServer server;
    private final Tunnels tunnels;
    private final HostKeys hostKeys;
    private final PreAuthGuard preAuth;

    private Gateway(GatewayConfig config, ListeningServer server, Tunnels tunnels, HostKeys hostKeys,
                    PreAuthGuard preAuth) {
        this.config = config;
        this.server = server;
        this.tunnels = tunnels;
        this.hostKeys = hostKeys;
        this.preAuth = preAuth;
    }

    /**
     * Listens on the configured address.
     *
     * @throws UncheckedIOException when the address cannot be bound (e.g. the port is taken)
     */
    public static Gateway start(GatewayConfig config) {
        Objects.requireNonNull(config, "config");
        HostKeys hostKeys = HostKeys.loadOrCreate(config.hostKeyDir(), config.hostCertificate());
        Tunnels tunnels = new Tunnels(config.directory(), config.clock(), config.tunnelProbeTimeout());
        ListeningServer server = ListeningServer.setUp();
        // lockDown installs the certificate-only "publickey" method; the gateway's own authenticator then
        // replaces the placeholder that trusts nobody.
        CertificateAuthenticator nobody = new CertificateAuthenticator(TrustPolicy.fixed(List.of(), config.clock()));
        ServerSetup.lockDown(server, nobody, hostKeys, config.limits());
        PreAuthGuard preAuth = ServerSetup.guardPreAuth(server, config.preAuth(), config.clock());
        // people reach machines with ssh -J through here, which leaves Nagle on for the jump connection
        ServerSetup.acknowledgeAtOnceAfterLogin(server);
        server.setPublickeyAuthenticator(new GatewayAuthenticator(config.directory(), config.clock()));
        Router router = new Router(config.directory(), tunnels);
        server.setChannelFactories(List.of(UserChannel.factory(router,
                new PersonChannels(config.channelsPerPerson()))));
        server.setGlobalRequestHandlers(List.of(new TunnelKeepAlive(tunnels), KeepAliveHandler.INSTANCE,
                NoMoreSessionsHandler.INSTANCE, new ForwardRequestHandler(tunnels),
                new HostCertRenewHandler(config.directory()),
                new SecretsRequestHandler(config.directory(), tunnels)));
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setSessionHeartbeat(HeartbeatType.IGNORE, config.keepAlive());
        // A machine's agent sends keepalives every interval; three missed ones and its tunnel is declared gone.
        server.addSessionListener(new MachineIdleTimeout(config.keepAlive().multipliedBy(3)));
        server.addSessionListener(new LoginConnections(config.connectionsPerLogin()));
        server.setHost(config.host());
        server.setPort(config.port());
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for SSH on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage() + "; pick another --gateway address", e);
        }
        LOG.info("gateway listening on {}:{}", config.host(), server.getPort());
        return new Gateway(config, server, tunnels, hostKeys, preAuth);
    }

    /** Where it listens (the real port when the config asked for 0). */
    public InetSocketAddress address() {
        return new InetSocketAddress(config.host(), server.getPort());
    }

    public int port() {
        return server.getPort();
    }

    /** The gateway's host key as an OpenSSH line, for clients to pin ({@code known_hosts}). */
    public String hostKeyLine() {
        return hostKeys.publicKeyLine();
    }

    /** Ids of the machines whose tunnel is up here now. */
    public List<String> onlineMachines() {
        return tunnels.onlineIds();
    }

    /** How many second tunnels for a machine with a live tunnel ended with {@code outcome}, since start. */
    public long tunnelConflicts(TunnelConflict outcome) {
        return tunnels.conflicts(outcome);
    }

    /** How many connections were refused before login (or closed by the auth timeout) for {@code reason}. */
    public long preAuthRefused(PreAuthGuard.Reason reason) {
        return preAuth.refused(reason);
    }

    /**
     * Re-checks every live connection of {@code org} (machines and people) against the directory's current
     * revocation list and membership, and closes those no longer allowed. Call it when a revocation or a member
     * removal is pushed; logins and channel opens check by themselves.
     *
     * @return how many connections were closed
     */
    public int revocationsChanged(String org) {
        int closed = 0;
        for (AbstractSession session : server.getActiveSessions()) {
            GatewayLogin login = session.getAttribute(GatewayLogin.KEY);
            if (login == null || !login.org().equals(org)) {
                continue;
            }
            boolean revoked = config.directory().revocations(org).isRevoked(login.certificate());
            boolean member = !(login instanceof GatewayLogin.Person)
                    || config.directory().isMember(org, ((GatewayLogin.Person) login).email());
            if (revoked || !member) {
                // a removed member's certificates are revoked too: name the cause, not the consequence
                String reason = !member ? "you are no longer a member of org " + org : "certificate revoked";
                LOG.warn("closing connection of key_id=\"{}\" serial={}: {}",
                        GatewayAuthenticator.printable(login.certificate().getId()),
                        Long.toUnsignedString(login.certificate().getSerial()), reason);
                SessionEndings.end(session, reason);
                closed++;
            } else if (login instanceof GatewayLogin.Machine) {
                pushRevocations(session);
            }
        }
        return closed;
    }

    /**
     * Re-checks every person's live connection of {@code org} against the directory's access grants and ends, with
     * the reason (SSH_MSG_DISCONNECT, which OpenSSH prints), those with a channel to an app they may no longer
     * reach. Call it when a grant is revoked or changed; channel opens check by themselves.
     *
     * @return how many connections were ended
     */
    public int accessChanged(String org) {
        int ended = 0;
        for (AbstractSession session : server.getActiveSessions()) {
            if (!(session.getAttribute(GatewayLogin.KEY) instanceof GatewayLogin.Person person)
                    || !person.org().equals(org)) {
                continue;
            }
            Optional<String> lost = SessionEndings.channels(session).stream()
                    .filter(c -> c instanceof UserChannel u && u.app() != null
                            && !config.directory().mayReach(org, person.email(), u.app()))
                    .map(c -> ((UserChannel) c).app()).findFirst();
            if (lost.isPresent()) {
                String reason = "access to app " + lost.get() + " was revoked";
                LOG.warn("ending connection of {} key_id=\"{}\": {}", person.email(),
                        GatewayAuthenticator.printable(person.certificate().getId()), reason);
                SessionEndings.end(session, reason); // the person sees it on stderr, the agent logs it
                ended++;
            }
        }
        return ended;
    }

    /**
     * Global request (RFC 4254 section 4) telling a machine its org's revocations changed, so it fetches them now
     * instead of at its next poll. No reply is wanted; a machine that ignores it still polls.
     */
    public static final String REVOCATIONS_CHANGED = "revocations-changed@postern.dev";

    private static void pushRevocations(AbstractSession session) {
        try {
            Buffer b = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REVOCATIONS_CHANGED.length() + 8);
            b.putString(REVOCATIONS_CHANGED);
            b.putBoolean(false);
            session.writePacket(b);
        } catch (IOException e) {
            LOG.debug("could not tell {} about new revocations: {}", session, e.toString());
        }
    }

    /**
     * Global request telling a machine its app's deployed secrets changed; the machine then asks for them with
     * {@code secrets@postern.dev} through the same tunnel. It carries no values. No reply is wanted.
     */
    public static final String SECRETS_CHANGED = "secrets-changed@postern.dev";

    /**
     * Tells every machine of {@code app} in {@code org} whose tunnel ends here that its deployed secrets changed.
     *
     * @return how many machines were told
     */
    public int secretsChanged(String org, String app) {
        int told = 0;
        for (AbstractSession session : server.getActiveSessions()) {
            GatewayLogin login = session.getAttribute(GatewayLogin.KEY);
            if (login instanceof GatewayLogin.Machine m && m.machine().org().equals(org)
                    && m.machine().app().equals(app)) {
                try {
                    Buffer b = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, SECRETS_CHANGED.length() + 8);
                    b.putString(SECRETS_CHANGED);
                    b.putBoolean(false);
                    session.writePacket(b);
                    told++;
                } catch (IOException e) {
                    LOG.debug("could not tell {} about new secrets: {}", session, e.toString());
                }
            }
        }
        return told;
    }

    /**
     * Ends a removed machine's tunnel and every person's connection routed through it, each with {@code reason};
     * from now on the directory no longer knows the machine, so it can neither log in nor be reached.
     *
     * @return how many connections were ended
     */
    public int machineRemoved(String machineId, String reason) {
        List<AbstractSession> ending = new java.util.ArrayList<>();
        for (AbstractSession session : server.getActiveSessions()) {
            GatewayLogin login = session.getAttribute(GatewayLogin.KEY);
            if (login instanceof GatewayLogin.Machine m && m.machine().id().equals(machineId)) {
                ending.add(session);
            } else if (login instanceof GatewayLogin.Person && SessionEndings.channels(session).stream()
                    .anyMatch(c -> c instanceof UserChannel u && machineId.equals(u.machineId()))) {
                ending.add(session);
            }
        }
        LOG.warn("machine {} removed: ending {} connection(s)", machineId, ending.size());
        SessionEndings.endAll(ending, reason, Duration.ofSeconds(2));
        return ending.size();
    }

    /** Ends every connection of {@code org} (people and machines) with {@code reason}, e.g. when it is deleted. */
    public int endOrg(String org, String reason) {
        List<AbstractSession> ending = server.getActiveSessions().stream().filter(s -> {
            GatewayLogin login = s.getAttribute(GatewayLogin.KEY);
            return login != null && login.org().equals(org);
        }).toList();
        SessionEndings.endAll(ending, reason, Duration.ofSeconds(2));
        return ending.size();
    }

    /**
     * Stops listening, tells every connection why it ends (people see it on stderr, agents log it), then stops.
     * Listening stops first: a connection taken in meanwhile (an agent reconnects within a second, as it is told
     * to) would not be among those told, and would be cut without a reason.
     */
    @Override
    public void close() {
        server.stopListening();
        SessionEndings.endAll(server.getActiveSessions(), "the gateway is shutting down;"
                + " reconnect in a moment", Duration.ofSeconds(2));
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.warn("gateway did not stop cleanly: {}", e.toString());
        }
    }
}
