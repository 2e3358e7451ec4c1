package dev.postern.agent.forward;

import java.io.IOException;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.server.channel.PuttyRequestHandler;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.TcpipServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * direct-tcpip (RFC 4254 §7.2) that refuses in plain words when the certificate lacks
 * permit-port-forwarding, so the client prints "open failed: administratively prohibited: port forwarding is
 * not permitted by your certificate" instead of MINA's "Connection denied". The server's
 * {@link GrantForwardingFilter} still decides for permitted sessions.
 */
final class PermittedDirectTcpipFactory extends TcpipServerChannel.TcpipFactory {
    private static final Logger LOG = LoggerFactory.getLogger(PermittedDirectTcpipFactory.class);
    static final String REFUSAL = "port forwarding is not permitted by your certificate (no permit-port-forwarding)";

    PermittedDirectTcpipFactory() {
        super(TcpForwardingFilter.Type.Direct);
    }

    @Override
    public Channel createChannel(Session session) throws IOException {
        return new Permitted(ThreadUtils.noClose(getExecutorService()));
    }

    private static final class Permitted extends TcpipServerChannel {
        Permitted(CloseableExecutorService executor) {
            super(TcpForwardingFilter.Type.Direct, executor);
            // plink -nc (PuTTY's ProxyCommand) sends its hints on this channel; MINA answers them only on sessions
            addRequestHandler(PuttyRequestHandler.INSTANCE);
        }

        @Override
        protected OpenFuture doInit(Buffer buffer) {
            if (GrantForwardingFilter.mayForwardPorts(getSession())) {
                return super.doInit(buffer);
            }
            String host = buffer.getString();
            int port = buffer.getInt();
            LOG.info("local forward to {}:{} refused for {}: {}", host, port,
                    GrantForwardingFilter.who(getSession()), REFUSAL);
            PlainRefusalConnectionService.recordRefusal(getSession(), getRecipient(), REFUSAL);
            OpenFuture f = new DefaultOpenFuture(this, this);
            f.setException(new SshChannelOpenException(getChannelId(),
                    SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, REFUSAL));
            close(true);
            return f;
        }
    }
}
