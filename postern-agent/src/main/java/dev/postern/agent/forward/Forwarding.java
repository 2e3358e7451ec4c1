package dev.postern.agent.forward;

import dev.postern.agent.files.UserDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.forward.DefaultForwarderFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.ServiceFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.global.CancelTcpipForwardHandler;
import org.apache.sshd.server.global.TcpipForwardHandler;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * Port, agent and X11 forwarding for the agent, each decided by the session's
 * {@link dev.postern.ssh.CertificateGrant} (no grant: everything refused).
 * <ul>
 * <li>{@code ssh -L} / {@code -W} / ProxyJump (direct-tcpip): only with permit-port-forwarding; otherwise the
 * client reads "port forwarding is not permitted by your certificate (no permit-port-forwarding)".</li>
 * <li>{@code ssh -R} (tcpip-forward): only with permit-port-forwarding and only on loopback ("localhost",
 * 127.0.0.0/8, ::1); ports below 1024 only for a root login. Other bind addresses are refused, not rewritten; the SSH protocol carries no reason for
 * a refused global request, so the client says "remote port forwarding failed" and the agent's log says
 * why.</li>
 * <li>{@code ssh -A}: only with permit-agent-forwarding; the session gets SSH_AUTH_SOCK pointing to a Unix
 * socket in a private directory under {@code java.io.tmpdir}, owned by the login user.</li>
 * <li>{@code ssh -X}/{@code -Y}: always refused ("X11 forwarding request failed" on the client).</li>
 * </ul>
 *
 * <p>Wiring, in {@code Agent} after the server's channel factories and global request handlers are set
 * (e.g. after {@code ServerBuilder.builder()...build()}) and before {@code server.start()}:
 * <pre>{@code
 * Forwarding.install(server, UserDirectory.system());
 * }</pre>
 * The exec/shell code must give the user's process {@code SSH_AUTH_SOCK=<agentSocket(session)>} when
 * present: MINA also adds it to the channel's {@code Environment}, but there it sits next to variables the
 * client chose, so take it from {@link #agentSocket(Session)} instead.
 */
public final class Forwarding {
    /** Session attribute: path of this connection's forwarded agent socket, once the client asked for one. */
    static final AttributeKey<String> AGENT_SOCKET = new AttributeKey<>();
    private Forwarding() {
    }

    /** Installs the forwarding policy on {@code server}, which must not be started yet. */
    public static void install(SshServer server, UserDirectory users) {
        install(server, users, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** As {@link #install(SshServer, UserDirectory)}, with forwarded agent sockets created under {@code tmp}. */
    public static void install(SshServer server, UserDirectory users, Path tmp) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(tmp, "tmp");
        if (server.isStarted()) {
            throw new IllegalStateException("Forwarding.install must be called before the server starts");
        }
        server.setForwardingFilter(new GrantForwardingFilter(users));
        if (server.getForwarderFactory() == null) {
            server.setForwarderFactory(DefaultForwarderFactory.INSTANCE);
        }
        server.setChannelFactories(withPermittedDirectTcpip(server.getChannelFactories()));
        server.setGlobalRequestHandlers(withForwardHandlers(server.getGlobalRequestHandlers()));
        server.setServiceFactories(withPlainRefusals(server.getServiceFactories()));
        server.setAgentFactory(new AgentSocketFactory(users, tmp, effectiveUid()));
        server.addPortForwardingEventListener(new ForwardAuditListener());
    }

    /**
     * The forwarded agent socket of this connection (the SSH_AUTH_SOCK value for its sessions), if the client
     * asked for agent forwarding and the certificate permits it. MINA handles auth-agent-req before the
     * shell or exec request of the same channel, so this is set by the time a session starts.
     */
    public static Optional<String> agentSocket(Session session) {
        return Optional.ofNullable(session.getAttribute(AGENT_SOCKET));
    }

    private static List<ChannelFactory> withPermittedDirectTcpip(List<? extends ChannelFactory> current) {
        List<ChannelFactory> factories = new ArrayList<>();
        if (current != null) {
            current.stream().filter(f -> !"direct-tcpip".equals(f.getName())).forEach(factories::add);
        }
        factories.add(new PermittedDirectTcpipFactory());
        return factories;
    }

    /**
     * Swaps MINA's stock "ssh-connection" service for one that sends our refusal text. A customised one is
     * left alone: the one {@code ServerSetup.lockDown} installs sends the same text (see
     * {@link dev.postern.ssh.ChannelRefusals}); any other would send "Generic error while opening channel".
     */
    private static List<ServiceFactory> withPlainRefusals(List<? extends ServiceFactory> current) {
        List<ServiceFactory> factories = new ArrayList<>();
        List<? extends ServiceFactory> base = current == null || current.isEmpty()
                ? SshServer.DEFAULT_SERVICE_FACTORIES : current;
        for (ServiceFactory f : base) {
            boolean stock = f.getClass() == ServerConnectionServiceFactory.class
                    || f == ServerConnectionServiceFactory.INSTANCE;
            factories.add(stock ? new PlainRefusalConnectionService.Factory() : f);
        }
        return factories;
    }

    private static List<RequestHandler<ConnectionService>> withForwardHandlers(
            List<RequestHandler<ConnectionService>> current) {
        List<RequestHandler<ConnectionService>> handlers = current == null ? new ArrayList<>() : new ArrayList<>(current);
        if (handlers.stream().noneMatch(h -> h instanceof TcpipForwardHandler)) {
            handlers.add(TcpipForwardHandler.INSTANCE);
        }
        if (handlers.stream().noneMatch(h -> h instanceof CancelTcpipForwardHandler)) {
            handlers.add(CancelTcpipForwardHandler.INSTANCE);
        }
        return handlers;
    }

    /** The agent's effective uid: /proc/self belongs to it. */
    private static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new UncheckedIOException("cannot read the agent's uid from /proc/self", e instanceof IOException io
                    ? io : new IOException(e));
        }
    }
}
