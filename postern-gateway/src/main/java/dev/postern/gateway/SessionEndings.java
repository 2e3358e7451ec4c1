package dev.postern.gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends gateway connections with a reason the other side shows: SSH_MSG_DISCONNECT (RFC 4253 section 11.1,
 * "by application") carrying one line, which OpenSSH prints on stderr ({@code Received disconnect from ...: 11:
 * <reason>}) before the jump connection, and with it the session through it, ends; the agent logs it. The reason
 * is short and names no secret.
 */
final class SessionEndings {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEndings.class);

    private SessionEndings() {
    }

    /**
     * Ends a connection: tells the agents behind its channels why (their audit lines), then the peer itself
     * ({@code Postern: session ended: <reason>}), and closes once that is written.
     */
    static void end(Session session, String reason) {
        for (Channel c : channels(session)) {
            MachineChannel m = c instanceof UserChannel u ? u.machinePeer() : c instanceof MachineChannel mc ? mc : null;
            if (m != null) {
                m.tellEndReason(reason);
            }
        }
        disconnect(session, "Postern: session ended: " + reason);
    }

    /** Sends {@code message} in SSH_MSG_DISCONNECT, then closes (MINA closes after the write; at once on failure). */
    static void disconnect(Session session, String reason) {
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, reason);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not tell {} why it ends ({}): {}", session, reason, e.toString());
            session.close(true);
        }
    }

    /** Ends all of {@code sessions} with {@code reason}, waiting up to {@code wait} for them to close. */
    static void endAll(Collection<? extends Session> sessions, String reason, Duration wait) {
        CountDownLatch closed = new CountDownLatch(sessions.size());
        // people first: a machine's tunnel closing first would close their channels before they hear why
        List<Session> ordered = new java.util.ArrayList<>(sessions);
        ordered.sort(java.util.Comparator.comparing(s -> !(s.getAttribute(GatewayLogin.KEY) instanceof GatewayLogin.Person)));
        for (Session s : ordered) {
            s.addCloseFutureListener(f -> closed.countDown());
            end(s, reason);
        }
        try {
            closed.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The channels open on a gateway connection; none before login. */
    static Collection<Channel> channels(Session session) {
        if (session.getAttribute(GatewayLogin.KEY) == null) {
            return List.of(); // not logged in: no connection service, no channels (MINA throws if asked)
        }
        try {
            ConnectionService service = session.getService(ConnectionService.class);
            return service instanceof AbstractConnectionService c ? c.getChannels() : List.of();
        } catch (IllegalStateException e) {
            return List.of();
        }
    }
}
