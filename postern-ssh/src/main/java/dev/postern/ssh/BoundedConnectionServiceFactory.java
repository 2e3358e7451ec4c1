package dev.postern.ssh;

import java.io.IOException;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.ValidateUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * "ssh-connection" service that refuses a channel beyond the per-connection limit with a normal
 * SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 section 5.1, resource shortage), and sends the reasons recorded
 * in {@link ChannelRefusals} for channels refused by other code.
 *
 * <p>Why not only MINA's MAX_CONCURRENT_CHANNELS: in 2.16 its check ({@code channels > max}) lets one channel
 * too many through, and it throws from channel registration, which tears down the whole connection and every
 * other channel on it.
 */
final class BoundedConnectionServiceFactory extends ServerConnectionServiceFactory {
    private final int maxChannels;

    BoundedConnectionServiceFactory(int maxChannels) {
        this.maxChannels = maxChannels;
    }

    @Override
    public Service create(Session session) throws IOException {
        AbstractServerSession s = ValidateUtils.checkInstanceOf(session, AbstractServerSession.class,
                "Not a server session: %s", session);
        Bounded service = new Bounded(s, maxChannels);
        service.addPortForwardingEventListenerManager(this);
        return service;
    }

    private static final class Bounded extends ServerConnectionService {
        private final int maxChannels;

        Bounded(AbstractServerSession session, int maxChannels) throws SshException {
            super(session);
            this.maxChannels = maxChannels;
        }

        @Override
        protected void channelOpen(Buffer buffer) throws Exception {
            if (getChannels().size() < maxChannels) {
                super.channelOpen(buffer);
                return;
            }
            String type = buffer.getString();
            long sender = buffer.getUInt();
            log.info("channelOpen({}) refused {} channel: {} channels open, the limit per connection",
                    getSession(), type, maxChannels);
            sendChannelOpenFailure(buffer, sender, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE,
                    "too many channels on this connection (limit " + maxChannels + ")", "");
        }

        @Override
        protected IoWriteFuture sendChannelOpenFailure(Buffer buffer, long sender, int reasonCode, String message,
                                                       String lang) throws IOException {
            return super.sendChannelOpenFailure(buffer, sender, reasonCode,
                    ChannelRefusals.take(getSession(), sender, message), lang);
        }
    }
}
