package dev.postern.gateway;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a person's gateway connection whose access grant was revoked: SSH_MSG_DISCONNECT (RFC 4253 section 11.1,
 * "by application") with one line that OpenSSH prints on stderr ({@code Received disconnect from ...: 11: ...}).
 */
final class AccessEndings {
    private static final Logger LOG = LoggerFactory.getLogger(AccessEndings.class);

    private AccessEndings() {
    }

    /** The app of one of the connection's channels that {@code mayReach} no longer allows, if any. */
    static Optional<String> lostApp(Session session, Predicate<String> mayReach) {
        for (Channel c : channels(session)) {
            if (c instanceof UserChannel u && u.app() != null && !mayReach.test(u.app())) {
                return Optional.of(u.app());
            }
        }
        return Optional.empty();
    }

    /** Tells the person why, then closes (MINA closes after the write; at once when it cannot be written). */
    static void end(Session session, String reason) {
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "Postern: session ended: " + reason);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not tell {} why it ends ({}): {}", session, reason, e.toString());
            session.close(true);
        }
    }

    private static Collection<Channel> channels(Session session) {
        ConnectionService service = session.getService(ConnectionService.class);
        return service instanceof AbstractConnectionService c ? c.getChannels() : List.of();
    }
}
