package dev.postern.agent.forward;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelOutputStream;

/**
 * One {@code auth-agent@openssh.com} channel (OpenSSH PROTOCOL, "agent forwarding") opened from the agent
 * to the client for one connection on the forwarded agent socket; bytes are relayed both ways unchanged.
 */
final class AgentRelayChannel extends AbstractClientChannel {
    static final String TYPE = "auth-agent@openssh.com";
    private final SocketChannel socket;

    AgentRelayChannel(SocketChannel socket) {
        super(TYPE);
        this.socket = socket;
        addCloseFutureListener(f -> closeSocket());
    }

    @Override
    protected void doOpen() throws IOException {
        invertedIn = new ChannelOutputStream(this, getRemoteWindow(), log, SshConstants.SSH_MSG_CHANNEL_DATA, true);
    }

    /** Client → local process: agent replies. */
    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data, off, (int) len);
        while (buf.hasRemaining()) {
            socket.write(buf);
        }
        getLocalWindow().release(len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException(TYPE + " channels carry no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        socket.shutdownOutput();
    }

    /** Local process → client: agent requests, until the process closes its end. Runs on its own thread. */
    void pumpRequests() {
        OutputStream toClient = getInvertedIn();
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try {
            while (socket.read(buf) >= 0) {
                toClient.write(buf.array(), 0, buf.position());
                toClient.flush();
                buf.clear();
            }
        } catch (IOException e) {
            log.debug("agent relay {} ended: {}", this, e.toString());
        } finally {
            close(false);
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
