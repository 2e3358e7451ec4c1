package dev.postern.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.io.DefaultIoServiceFactoryFactory;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.helpers.SessionTimeoutListener;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.SessionFactory;

/**
 * Serves SSH sessions of a MINA {@link SshServer} over byte streams that are not accepted sockets: SSH channels
 * of a reverse tunnel ({@link #channelFactory}) or any other stream ({@link #open}). The server needs no
 * listening socket: do not call {@code start()} on it (this class never does); it may also be started, to
 * listen as well, in which case its own session factory is reused.
 *
 * <pre>{@code
 * SshServer server = SshServer.setUpDefaultServer();
 * ServerSetup.lockDown(server, authenticator, hostKeys);
 * server.setCommandFactory(...);                   // configure it fully, as for a listening server
 * InProcessSshServer inProcess = InProcessSshServer.of(server);   // instead of server.start()
 * client.setChannelFactories(List.of(inProcess.channelFactory("forwarded-tcpip", check)));
 * }</pre>
 *
 * <p>What {@code SshServer.start()} would do and this does instead: check the configuration, create the session
 * factory, and run the once-a-second check for authentication and idle timeouts. Everything else about a
 * session (key exchange, authentication, channels, limits) is MINA's own code, unchanged.
 */
public final class InProcessSshServer implements AutoCloseable {
    private final SshServer server;
    private final IoHandler handler;
    private final StreamService service = new StreamService();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledFuture<?> timeouts;

    private InProcessSshServer(SshServer server, IoHandler handler, ScheduledFuture<?> timeouts) {
        this.server = server;
        this.handler = handler;
        this.timeouts = timeouts;
    }

    /**
     * Prepares {@code server} (fully configured: host keys, authentication, factories) to serve in-process
     * sessions.
     *
     * @throws IllegalStateException naming what is missing from the configuration
     */
    public static InProcessSshServer of(SshServer server) {
        Objects.requireNonNull(server, "server");
        if (server.isStarted()) {
            return new InProcessSshServer(server, server.getSessionFactory(), null);
        }
        check(server.getKeyPairProvider() != null, "no host key; call HostKeys.applyTo(server) first");
        check(server.getKeyExchangeFactories() != null && !server.getKeyExchangeFactories().isEmpty(),
                "no key exchange; call CryptoPolicy.applyTo(server) first");
        check(server.getUserAuthFactories() != null && !server.getUserAuthFactories().isEmpty(),
                "no user authentication; call ServerSetup.lockDown(server, ...) first");
        check(server.getChannelFactories() != null && !server.getChannelFactories().isEmpty(),
                "no channel factories; build the server with SshServer.setUpDefaultServer()");
        if (server.getServiceFactories() == null || server.getServiceFactories().isEmpty()) {
            server.setServiceFactories(SshServer.DEFAULT_SERVICE_FACTORIES);
        }
        if (server.getScheduledExecutorService() == null) {
            server.setScheduledExecutorService(ThreadUtils.newSingleThreadScheduledExecutor("postern-inprocess-timer"),
                    true);
        }
        // start() would set this; without it, a session's outgoing connections (direct-tcpip, ssh -L) fail
        if (server.getIoServiceFactoryFactory() == null) {
            server.setIoServiceFactoryFactory(DefaultIoServiceFactoryFactory.getDefaultIoServiceFactoryFactoryInstance());
        }
        SessionFactory factory = server.getSessionFactory();
        if (factory == null) {
            factory = new SessionFactory(server);
            server.setSessionFactory(factory);
        }
        // The same timeout check SshServer.start() schedules (auth timeout, idle timeout).
        SessionTimeoutListener timeoutListener = new SessionTimeoutListener();
        server.addSessionListener(timeoutListener);
        ScheduledFuture<?> timeouts = server.getScheduledExecutorService()
                .scheduleAtFixedRate(timeoutListener, 1, 1, TimeUnit.SECONDS);
        return new InProcessSshServer(server, factory, timeouts);
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalStateException("the SSH server is not ready for in-process sessions: " + problem);
        }
    }

    public SshServer server() {
        return server;
    }

    /**
     * Starts one SSH server session over a stream: the server writes its identification line to {@code out}
     * at once; feed the peer's bytes to {@link StreamIoSession#receive}; close the returned session when the
     * stream ends.
     *
     * @param remote the peer's address as the server should see it (logs, source-address checks)
     */
    public StreamIoSession open(SocketAddress local, SocketAddress remote, StreamIoSession.Output out) throws IOException {
        StreamIoSession session = new StreamIoSession(ids.incrementAndGet(), handler, local, remote, out, service);
        service.sessions.put(session.getId(), session);
        session.addCloseFutureListener(f -> service.sessions.remove(session.getId()));
        try {
            session.start();
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        } catch (Exception e) {
            session.close(true);
            throw new IOException("cannot start an in-process SSH session: " + e, e);
        }
        return session;
    }

    /**
     * A channel factory for a {@code forwarded-tcpip} or {@code direct-tcpip} channel type (RFC 4254 section 7)
     * whose channels each carry one SSH connection to this server. {@code check} decides, per channel, whether
     * the address the peer names may be served.
     */
    public ChannelFactory channelFactory(String channelType, ChannelOpenCheck check) {
        Objects.requireNonNull(channelType, "channelType");
        Objects.requireNonNull(check, "check");
        return new ChannelFactory() {
            @Override
            public String getName() {
                return channelType;
            }

            @Override
            public org.apache.sshd.common.channel.Channel createChannel(org.apache.sshd.common.session.Session session) {
                return new SshOverChannel(InProcessSshServer.this, check);
            }
        };
    }

    /** Number of in-process sessions currently open. */
    public int openSessions() {
        return service.sessions.size();
    }

    /** Closes every in-process session and stops the timeout check (the server itself is the caller's). */
    @Override
    public void close() {
        for (IoSession s : service.sessions.values()) {
            s.close(true);
        }
        if (timeouts != null) {
            timeouts.cancel(false);
        }
    }

    /** The "service" MINA asks a transport about, e.g. to count a user's sessions for MaxSessions. */
    private static final class StreamService extends AbstractCloseable implements IoService {
        final Map<Long, IoSession> sessions = new ConcurrentHashMap<>();
        private volatile IoServiceEventListener listener;

        @Override
        public Map<Long, IoSession> getManagedSessions() {
            return sessions;
        }

        @Override
        public IoServiceEventListener getIoServiceEventListener() {
            return listener;
        }

        @Override
        public void setIoServiceEventListener(IoServiceEventListener listener) {
            this.listener = listener;
        }
    }
}
