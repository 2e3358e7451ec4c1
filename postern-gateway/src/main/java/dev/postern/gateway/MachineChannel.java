package dev.postern.gateway;

import dev.postern.ssh.ChannelOutput;
import dev.postern.ssh.SessionEndReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * The gateway's end of a {@code forwarded-tcpip} channel (RFC 4254 section 7.2) opened on a machine's tunnel
 * connection, spliced to a person's {@link UserChannel}. The channel names the machine's forwarded address
 * ({@code <id>.vm.<app>.internal:22}) and the person's address as originator.
 */
final class MachineChannel extends AbstractClientChannel {
    static final String TYPE = "forwarded-tcpip";
    private final String connectedHost;
    private final SocketAddress originator;
    private final UserChannel peer;
    private volatile ChannelOutput out;

    MachineChannel(String connectedHost, SocketAddress originator, UserChannel peer) {
        super(TYPE);
        this.connectedHost = connectedHost;
        this.originator = originator;
        this.peer = peer;
    }

    ChannelOutput output() {
        return out;
    }

    @Override
    public synchronized OpenFuture open() throws IOException {
        if (isClosing()) {
            throw new SshException("tunnel channel closed before opening");
        }
        openFuture = new DefaultOpenFuture(toString(), futureLock);
        String origHost = "0.0.0.0";
        int origPort = 0;
        if (originator instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) originator;
            origHost = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
            origPort = a.getPort();
        }
        Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, 128);
        buffer.putString(TYPE);
        buffer.putUInt(getChannelId());
        buffer.putUInt(getLocalWindow().getSize());
        buffer.putUInt(getLocalWindow().getPacketSize());
        buffer.putString(connectedHost);
        buffer.putUInt(Names.SSH_PORT);
        buffer.putString(origHost);
        buffer.putUInt(origPort);
        writePacket(buffer);
        return openFuture;
    }

    /**
     * Tells the agent why this connection is about to end ({@link SessionEndReason#REQUEST}), for its audit line.
     * Sent before the close, on the same connection, so it arrives first.
     */
    void tellEndReason(String reason) {
        if (!isOpen() || isClosing()) {
            return;
        }
        try {
            Buffer b = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, reason.length() + 64);
            b.putUInt(getRecipient());
            b.putString(SessionEndReason.REQUEST);
            b.putBoolean(false);
            b.putString(reason);
            writePacket(b);
        } catch (IOException | RuntimeException e) {
            // the audit line then says only how it ended; the person still sees why
        }
    }

    @Override
    protected void doOpen() {
        out = new ChannelOutput(this, this::sendEof);
        // Here, not in a listener on the open future: see UserChannel.machineOpened.
        peer.machineOpened();
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        ChannelOutput o = out;
        if (o != null) {
            o.onWindowExpanded();
        }
    }

    @Override
    protected boolean mayWrite() {
        return !isClosed();
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        Splice.forward(this, peer.output(), data, off, len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("forwarded-tcpip carries no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        peer.output().finish();
    }
}
