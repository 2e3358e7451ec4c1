package dev.postern.ssh;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.Property;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;

/**
 * Locks down a MINA {@link SshServer} the Postern way. After {@link #lockDown}, the server:
 * <ul>
 * <li>offers exactly one user-auth method, "publickey", decided by a {@link CertificateAuthenticator}
 * (certificates only; no password, keyboard-interactive, host-based or GSSAPI); a successful login leaves a
 * {@link CertificateGrant} on the session under {@link CertificateGrant#KEY};</li>
 * <li>uses {@link CryptoPolicy} and identifies itself as "SSH-2.0-Postern";</li>
 * <li>presents the {@link HostKeys} (and its host certificate when there is one);</li>
 * <li>applies {@link ServerLimits}: auth attempts and open channels per connection, auth and idle
 * timeouts; {@link #guardPreAuth} adds limits across connections that have not logged in yet;</li>
 * <li>sends without Nagle's delay ({@code TCP_NODELAY}), as OpenSSH does, and acknowledges the handshake's
 * segments at once ({@link QuickAckSessionFactory});</li>
 * </ul>
 * What the server then does (shell, exec, SFTP, forwarding, their permissions) is left to the caller, who
 * sets those factories before or after this call; this call does not touch them.
 *
 * <pre>{@code
 * SshServer server = SshServer.setUpDefaultServer();
 * ServerSetup.lockDown(server, new CertificateAuthenticator(policy), HostKeys.loadOrCreate(dataDir));
 * server.setHost("127.0.0.1");
 * server.setPort(0);
 * server.setCommandFactory(...);
 * server.start();
 * }</pre>
 *
 * <p>Why a custom "publickey" method: MINA's own one checks certificate validity against the JVM clock with
 * no skew allowance before the authenticator runs; ours leaves every certificate check to the
 * authenticator (see {@code CertificateUserAuth}).
 */
public final class ServerSetup {
    private ServerSetup() {
    }

    /** {@link #lockDown(SshServer, CertificateAuthenticator, HostKeys, ServerLimits)} with default limits. */
    public static void lockDown(SshServer server, CertificateAuthenticator authenticator, HostKeys hostKeys) {
        lockDown(server, authenticator, hostKeys, ServerLimits.defaults());
    }

    /** Applies authentication, algorithm policy, host keys and limits to {@code server} (before it starts). */
    public static void lockDown(SshServer server, CertificateAuthenticator authenticator, HostKeys hostKeys,
                                ServerLimits limits) {
        if (server.isStarted()) {
            throw new IllegalStateException("lock the server down before starting it");
        }
        server.setUserAuthFactories(List.of(CertificateUserAuth.FACTORY));
        server.setPublickeyAuthenticator(authenticator);
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setGSSAuthenticator(null);
        CoreModuleProperties.AUTH_METHODS.remove(server);
        CoreModuleProperties.WELCOME_BANNER.remove(server);

        CryptoPolicy.applyTo(server);
        hostKeys.applyTo(server);

        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, limits.maxAuthRequests());
        server.setServiceFactories(List.of(ServerUserAuthServiceFactory.INSTANCE,
                new BoundedConnectionServiceFactory(limits.maxChannelsPerConnection())));
        // MINA's own limit stays as a backstop; ours answers first with a clean open failure.
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, limits.maxChannelsPerConnection());
        CoreModuleProperties.AUTH_TIMEOUT.set(server, limits.authTimeout());
        CoreModuleProperties.IDLE_TIMEOUT.set(server, limits.idleTimeout());
        // MINA leaves Nagle on. SSH sends small messages in request/reply pairs (channel open, exec, exit
        // status, close); with Nagle each second small write waits for the peer's delayed ACK (40 ms on
        // Linux), which capped a connection at about 11 new sessions per second. OpenSSH sets it too.
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        server.setSessionFactory(new QuickAckSessionFactory(server, false));
        pinHotProperties(server);
    }

    /**
     * Stores on {@code server} the values (configured or default) of the properties MINA reads by name on every
     * socket read and write. Not set anywhere, each read walked the server's properties and then the system
     * properties ({@code "org.apache.sshd.config." + name}, a new string and a {@code System.getProperty}): part of the 6%
     * of the agent's CPU samples that went to property look-ups in an SFTP transfer (bench 3). A value set on the
     * server or as a system property before this call is the one kept; one set on the server later replaces it.
     */
    static void pinHotProperties(PropertyResolver server) {
        pin(server, CoreModuleProperties.NIO2_READ_TIMEOUT);
        pin(server, CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT);
    }

    private static <T> void pin(PropertyResolver resolver, Property<T> property) {
        property.set(resolver, property.getRequired(resolver));
    }

    /**
     * Limits connections that have not logged in yet ({@link PreAuthLimits}): per source address after failed
     * logins, per source and in total; refusals and auth timeouts are counted by the returned guard. Call after
     * {@link #lockDown} (whose session factory asks the guard), before start.
     *
     * <pre>{@code
     * PreAuthGuard guard = ServerSetup.guardPreAuth(server, PreAuthLimits.defaults(), clock);
     * long refused = guard.refused(PreAuthGuard.Reason.FAILED_LOGINS);
     * }</pre>
     */
    public static PreAuthGuard guardPreAuth(SshServer server, PreAuthLimits limits, Clock clock) {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        if (server.isStarted()) {
            throw new IllegalStateException("set the pre-authentication limits before starting the server");
        }
        if (!(server.getSessionFactory() instanceof QuickAckSessionFactory)) {
            throw new IllegalStateException("call ServerSetup.lockDown before guardPreAuth");
        }
        PreAuthGuard guard = new PreAuthGuard(limits, clock);
        server.setAttribute(PreAuthGuard.KEY, guard);
        server.addSessionListener(guard);
        server.setSessionDisconnectHandler(guard);
        return guard;
    }

    /**
     * For a jump host (the gateway): acknowledge every TCP segment at once for the whole connection, not only
     * during the handshake. {@code ssh -J} keeps Nagle on for its jump connection, which carries the inner
     * connection's handshake; see {@link QuickAckSessionFactory}. Call after {@link #lockDown}, before start.
     */
    public static void acknowledgeAtOnceAfterLogin(SshServer server) {
        if (server.isStarted()) {
            throw new IllegalStateException("set the jump host's ACK policy before starting it");
        }
        server.setSessionFactory(new QuickAckSessionFactory(server, true));
    }
}
