package dev.postern.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.BufferedIoOutputStream;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Non-blocking, ordered writes of channel data that respect the peer's window: MINA's
 * {@link ChannelAsyncOutputStream} (one write at a time, waits for window) behind a queue. The owning channel
 * must call {@link #onWindowExpanded()} from {@code handleWindowAdjust}. {@link #finish()} flushes and then
 * sends SSH_MSG_CHANNEL_EOF.
 *
 * <p>Writes come from I/O threads that carry many channels (a machine's tunnel carries everyone's sessions), so
 * a write never blocks and never throws: a write to a closing channel, or one that would queue more than
 * {@link #MAX_QUEUED} bytes (a peer that advertises a huge window and stops reading), fails its future and ends
 * this channel only.
 *
 * <p>Fast path: while nothing is queued and the peer's window has room for the whole write (at most one
 * packet), {@link #write(byte[], int, int)} builds the SSH_MSG_CHANNEL_DATA packet straight from the caller's
 * bytes and hands it to the session, which encrypts it on this thread and queues it for the socket. That skips
 * a copy of every packet (the queue needs its own) and the queue's one-write-at-a-time hand-offs between I/O
 * threads; in bulk transfers through the gateway nearly every packet takes it.
 */
public final class ChannelOutput {
    static final int MAX_QUEUED = 16 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ChannelOutput.class);
    private final AbstractChannel channel;
    private final AtomicLong queued = new AtomicLong();
    private final ChannelAsyncOutputStream stream;
    private final BufferedIoOutputStream queue;
    /** Set by {@link #finish}/{@link #abort}: later writes take the queue, which refuses them. */
    private volatile boolean ended;

    /** How the owning channel sends SSH_MSG_CHANNEL_EOF (its protected {@code sendEof}). */
    @FunctionalInterface
    public interface EofSender {
        IoWriteFuture sendEof() throws IOException;
    }

    public ChannelOutput(AbstractChannel channel, EofSender eofSender) {
        this.channel = channel;
        this.stream = new ChannelAsyncOutputStream(channel, SshConstants.SSH_MSG_CHANNEL_DATA) {
            @Override
            protected CloseFuture doCloseGracefully() {
                DefaultCloseFuture result = new DefaultCloseFuture(channel.getChannelId(), futureLock);
                super.doCloseGracefully().addListener(p -> {
                    try {
                        IoWriteFuture eof = eofSender.sendEof();
                        if (eof != null) {
                            eof.addListener(f -> result.setClosed());
                            return;
                        }
                    } catch (IOException e) {
                        channel.getSession().exceptionCaught(e);
                    }
                    result.setClosed();
                });
                return result;
            }
        };
        // our own bound (below) is checked first, so this stream's blocking wait for space never happens
        this.queue = new BufferedIoOutputStream(channel.toString(), channel.getChannelId(), stream,
                2 * MAX_QUEUED, Duration.ofSeconds(30));
    }

    /**
     * Queues {@code buffer}'s readable bytes; the future completes when they were sent, or fails (and this
     * channel is closed) when they cannot be.
     */
    public IoWriteFuture write(Buffer buffer) {
        return write(buffer.array(), buffer.rpos(), buffer.available());
    }

    /**
     * Queues {@code len} bytes of {@code data} from {@code off} (copied or sent before this returns: the caller may
     * reuse the array); the future completes as for {@link #write(Buffer)}.
     */
    public synchronized IoWriteFuture write(byte[] data, int off, int len) {
        IoWriteFuture direct = writeDirectly(data, off, len);
        if (direct != null) {
            return direct;
        }
        // A copy: callers reuse their arrays (MINA's decoder buffer), and ChannelAsyncOutputStream would write the
        // channel header over the first bytes of a PacketBuffer.
        return enqueue(ByteArrayBuffer.getCompactClone(data, off, len));
    }

    /** The fast path (see the class comment), or null when the write must go through the queue. */
    private IoWriteFuture writeDirectly(byte[] data, int off, int len) {
        if (len <= 0 || ended || queued.get() != 0 || !channel.isOpen() || channel.isClosing()) {
            return null;
        }
        RemoteWindow window = channel.getRemoteWindow();
        long packetSize = window.getPacketSize();
        if (len > window.getSize() || packetSize <= 0) {
            return null;
        }
        try {
            Session session = channel.getSession();
            window.consume(len);
            // An inner session's packet is a little larger than one channel packet: split it. The session keeps
            // the order, so the last packet's future completes after the others were written.
            IoWriteFuture last = null;
            for (int done = 0; done < len; ) {
                int n = (int) Math.min(len - done, packetSize);
                Buffer packet = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, n + 12);
                packet.putUInt(channel.getRecipient());
                packet.putBytes(data, off + done, n);
                last = channel.writePacket(packet);
                done += n;
            }
            return last;
        } catch (IOException | RuntimeException e) {
            return fail(e);
        }
    }

    private IoWriteFuture enqueue(Buffer buffer) {
        int size = buffer.available();
        if (queued.addAndGet(size) > MAX_QUEUED) {
            queued.addAndGet(-size);
            return fail(new IOException("more than " + MAX_QUEUED + " bytes queued for " + channel
                    + ": the peer stopped reading"));
        }
        try {
            IoWriteFuture f = queue.writeBuffer(buffer);
            f.addListener(done -> queued.addAndGet(-size));
            return f;
        } catch (IOException | RuntimeException e) {
            queued.addAndGet(-size);
            return fail(e);
        }
    }

    private IoWriteFuture fail(Exception e) {
        if (!channel.isClosing()) {
            LOG.debug("ending {}: {}", channel, e.toString());
        }
        abort();
        channel.close(true);
        return AbstractIoWriteFuture.fulfilled(channel.toString(), e);
    }

    public void onWindowExpanded() throws IOException {
        stream.onWindowExpanded();
    }

    /** Sends what is queued, then EOF. */
    public synchronized void finish() {
        ended = true;
        queue.close(false);
    }

    /** Drops what is queued. */
    public void abort() {
        ended = true;
        queue.close(true);
        stream.close(true);
    }
}
