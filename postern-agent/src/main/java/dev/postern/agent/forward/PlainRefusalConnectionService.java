package dev.postern.agent.forward;

import dev.postern.ssh.ChannelRefusals;
import java.io.IOException;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * MINA's stock connection service, except that a channel refused by our own code carries the reason
 * recorded in {@link ChannelRefusals} (RFC 4254 §5.1) instead of "Generic error while opening channel: N".
 * Only for servers that still have the stock service: one locked down by {@code ServerSetup} already sends
 * the recorded reasons.
 */
final class PlainRefusalConnectionService extends ServerConnectionService {
    PlainRefusalConnectionService(AbstractServerSession session) throws IOException {
        super(session);
    }

    /** Remembers why the channel the client calls {@code clientChannelId} is being refused. */
    static void recordRefusal(Session session, long clientChannelId, String reason) {
        ChannelRefusals.record(session, clientChannelId, reason);
    }

    @Override
    protected IoWriteFuture sendChannelOpenFailure(Buffer buffer, long sender, int reasonCode, String message,
                                                   String lang) throws IOException {
        return super.sendChannelOpenFailure(buffer, sender, reasonCode, ChannelRefusals.take(getSession(), sender,
                message), lang);
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
