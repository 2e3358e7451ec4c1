package dev.postern.agent.forward;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * MINA's connection service, except that a channel refused by our own code carries our reason in
 * SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 §5.1) instead of "Generic error while opening channel: N", which is
 * all MINA 2.16 sends whatever the exception says.
 */
final class PlainRefusalConnectionService extends ServerConnectionService {
    private static final AttributeKey<Map<Long, String>> REFUSALS = new AttributeKey<>();

    PlainRefusalConnectionService(AbstractServerSession session) throws IOException {
        super(session);
    }

    /** Remembers why the channel the client calls {@code clientChannelId} is being refused. */
    static void recordRefusal(Session session, long clientChannelId, String reason) {
        session.computeAttributeIfAbsent(REFUSALS, k -> new ConcurrentHashMap<>()).put(clientChannelId, reason);
    }

    @Override
    protected IoWriteFuture sendChannelOpenFailure(Buffer buffer, long sender, int reasonCode, String message,
                                                   String lang) throws IOException {
        Map<Long, String> refusals = getSession().getAttribute(REFUSALS);
        String reason = refusals == null ? null : refusals.remove(sender);
        return super.sendChannelOpenFailure(buffer, sender, reasonCode, reason == null ? message : reason, lang);
    }

    /** Creates the service above; registered under MINA's name "ssh-connection". */
    static final class Factory extends ServerConnectionServiceFactory {
        @Override
        public Service create(Session session) throws IOException {
            PlainRefusalConnectionService service = new PlainRefusalConnectionService((AbstractServerSession) session);
            service.addPortForwardingEventListenerManager(this);
            return service;
        }
    }
}
