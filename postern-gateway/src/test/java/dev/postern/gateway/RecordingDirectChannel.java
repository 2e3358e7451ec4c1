package dev.postern.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A person's {@code direct-tcpip} channel (what {@code ssh -W} opens) that behaves like OpenSSH's: data that
 * arrives before SSH_MSG_CHANNEL_OPEN_CONFIRMATION is dropped (OpenSSH ignores data on a channel it has not seen
 * confirmed), and the client's identification line is sent the moment the channel is confirmed. It records the
 * first bytes it kept and whether anything came too early.
 */
final class RecordingDirectChannel extends AbstractClientChannel {
    static final byte[] CLIENT_IDENTIFICATION = "SSH-2.0-OpenSSH_9.2p1 Recording\r\n".getBytes(StandardCharsets.US_ASCII);
    private final String host;
    private final int wanted;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CountDownLatch enough = new CountDownLatch(1);
    private volatile boolean confirmed;
    private volatile long droppedEarly;

    /** {@code wanted}: how many bytes to record before {@link #awaitFirstBytes} returns. */
    RecordingDirectChannel(String host, int wanted) {
        super(UserChannel.TYPE);
        this.host = host;
        this.wanted = wanted;
    }

    @Override
    public synchronized OpenFuture open() throws IOException {
        openFuture = new DefaultOpenFuture(toString(), futureLock);
        Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, 128);
        buffer.putString(UserChannel.TYPE);
        buffer.putUInt(getChannelId());
        buffer.putUInt(getLocalWindow().getSize());
        buffer.putUInt(getLocalWindow().getPacketSize());
        buffer.putString(host);
        buffer.putUInt(Names.SSH_PORT);
        buffer.putString("127.0.0.1");
        buffer.putUInt(0);
        writePacket(buffer);
        return openFuture;
    }

    @Override
    protected void doOpen() throws IOException {
        confirmed = true;
        Buffer data = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, CLIENT_IDENTIFICATION.length + 8);
        data.putUInt(getRecipient());
        data.putBytes(CLIENT_IDENTIFICATION);
        getRemoteWindow().consume(CLIENT_IDENTIFICATION.length);
        writePacket(data);
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        if (!confirmed) {
            droppedEarly += len;
            return;
        }
        synchronized (kept) {
            kept.write(data, off, (int) len);
            if (kept.size() >= wanted) {
                enough.countDown();
            }
        }
        getLocalWindow().release(len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("direct-tcpip carries no extended data");
    }

    /** Waits (bounded) for the first {@code wanted} bytes; returns what was kept so far either way. */
    byte[] awaitFirstBytes(long timeout, TimeUnit unit) throws InterruptedException {
        enough.await(timeout, unit);
        synchronized (kept) {
            return kept.toByteArray();
        }
    }

    /** Bytes that arrived before the channel was confirmed (an OpenSSH client would have lost them). */
    long droppedEarly() {
        return droppedEarly;
    }
}
