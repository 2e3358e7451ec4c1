package dev.postern.ssh;

import java.io.IOException;
import java.time.Duration;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.BufferedIoOutputStream;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.helpers.PacketBuffer;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Non-blocking, ordered writes of channel data that respect the peer's window: MINA's
 * {@link ChannelAsyncOutputStream} (one write at a time, waits for window) behind a queue. The owning channel
 * must call {@link #onWindowExpanded()} from {@code handleWindowAdjust}. {@link #finish()} flushes and then
 * sends SSH_MSG_CHANNEL_EOF.
 *
 * <p>Why a large queue limit: writes come from MINA I/O threads, which must not block; what is queued is
 * already bounded by the local window of the channel the bytes come from, which is only released once a write
 * completes.
 */
public final class ChannelOutput {
    private static final int MAX_QUEUED = 16 * 1024 * 1024;
    private final ChannelAsyncOutputStream stream;
    private final BufferedIoOutputStream queue;

    /** How the owning channel sends SSH_MSG_CHANNEL_EOF (its protected {@code sendEof}). */
    @FunctionalInterface
    public interface EofSender {
        IoWriteFuture sendEof() throws IOException;
    }

    public ChannelOutput(AbstractChannel channel, EofSender eofSender) {
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
        this.queue = new BufferedIoOutputStream(channel.toString(), channel.getChannelId(), stream, MAX_QUEUED,
                Duration.ofSeconds(30));
    }

    /** Queues {@code buffer}'s readable bytes; the future completes when they were sent. */
    public IoWriteFuture write(Buffer buffer) throws IOException {
        if (buffer instanceof PacketBuffer) {
            // ChannelAsyncOutputStream takes a PacketBuffer for a channel-data packet prepared by its caller and
            // writes the channel header over its first bytes; an inner SSH session's packet is not one of those.
            buffer = ByteArrayBuffer.getCompactClone(buffer.array(), buffer.rpos(), buffer.available());
        }
        return queue.writeBuffer(buffer);
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
