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
import org.apache.sshd.common.session.helpers.PacketBuffer;
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
 */
public final class ChannelOutput {
    static final int MAX_QUEUED = 16 * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ChannelOutput.class);
    private final AbstractChannel channel;
    private final AtomicLong queued = new AtomicLong();
    private final ChannelAsyncOutputStream stream;
    private final BufferedIoOutputStream queue;

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
        if (buffer instanceof PacketBuffer) {
            // ChannelAsyncOutputStream takes a PacketBuffer for a channel-data packet prepared by its caller and
            // writes the channel header over its first bytes; an inner SSH session's packet is not one of those.
            buffer = ByteArrayBuffer.getCompactClone(buffer.array(), buffer.rpos(), buffer.available());
        }
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
    public void finish() {
        queue.close(false);
    }

    /** Drops what is queued. */
    public void abort() {
        queue.close(true);
        stream.close(true);
    }
}
