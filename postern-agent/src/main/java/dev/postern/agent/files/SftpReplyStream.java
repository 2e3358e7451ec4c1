package dev.postern.agent.files;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.sshd.common.channel.IoWriteFutureImpl;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * The SFTP subsystem's replies on their way to the channel. Small replies that come while a write is on its way are
 * gathered and leave as one write, which the channel cuts into full packets, as OpenSSH's sshd does with what
 * sftp-server writes to its pipe; READ data waits as it is, without a copy. MINA's own stream
 * ({@code BufferedIoOutputStream}) makes every reply a write of its own, with its futures, listeners and a
 * {@code ConcurrentLinkedQueue.remove}: 18% of the agent's CPU samples in bench 3's get with MINA's 63 KiB READs.
 *
 * <p>Memory stays bounded, as with MINA's stream: the writer waits while more than {@code maxQueued} bytes are
 * queued or on their way (one reply may exceed it when nothing else is), and fails after {@code maxWait} without
 * room, when the client stopped reading. Unlike MINA's stream, a waiting 28-byte STATUS is copied out of the
 * request buffer it was written into (a 256 KiB WRITE's), so a client that sends WRITEs and never reads the replies
 * cannot make the agent hold 256 KiB per 28 bytes counted.
 *
 * <p>{@link #writeBuffer} returns a future that is already done: a reply is accepted like a write to a pipe, and a
 * failure to send it shows in the next {@code writeBuffer}. MINA's SFTP subsystem ignores the future.
 */
final class SftpReplyStream extends AbstractCloseable implements IoOutputStream {
    /** How many bytes may be queued when not configured: four of the largest READ replies (see SftpLimits). */
    static final int DEFAULT_MAX_QUEUED = 4 * (SftpLimits.OPENSSH_MAX_LENGTH + 1024);

    private final IoOutputStream channel;
    private final int maxQueued;
    private final Duration maxWait;
    private final IoWriteFuture accepted;
    private final Object lock = new Object();
    /** What waits for the write on its way, in order: large replies as they are, small ones gathered. */
    private final ArrayDeque<Segment> waiting = new ArrayDeque<>();
    private int waitingBytes;
    /** The last waiting segment when it is ours and still takes replies; null otherwise. */
    private ByteArrayBuffer gathering;
    /** A gathering buffer whose write has completed, kept for the next batch while replies keep coming. */
    private ByteArrayBuffer spare;
    /** The write on its way. */
    private Segment inFlight;
    private IOException failure;

    /** A buffer to write; {@code ours} when it is a gathering buffer (reusable once written), not a reply's own. */
    private record Segment(Buffer buffer, boolean ours) {
    }

    SftpReplyStream(IoOutputStream channel, int maxQueued, Duration maxWait) {
        super("sftp-replies");
        if (maxQueued <= 0) {
            throw new IllegalArgumentException("maxQueued must be positive, was " + maxQueued);
        }
        this.channel = channel;
        this.maxQueued = maxQueued;
        this.maxWait = maxWait;
        IoWriteFutureImpl done = new IoWriteFutureImpl("sftp-reply", new ByteArrayBuffer(0));
        done.setValue(Boolean.TRUE);
        this.accepted = done;
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer reply) throws IOException {
        int size = reply.available();
        Segment now = null;
        synchronized (lock) {
            awaitRoom(size);
            if (inFlight == null) {
                // nothing on its way: this reply goes at once, without a copy
                now = new Segment(reply, false);
                inFlight = now;
            } else if (size >= reply.capacity() / 2) {
                // a reply that fills most of its buffer (READ data) waits as it is: no copy, and it holds no more
                // memory than its own bytes
                waiting.add(new Segment(reply, false));
                waitingBytes += size;
                gathering = null;
            } else {
                // a small reply (a STATUS in a 256 KiB WRITE's buffer) is copied, so the request buffer can go
                if (gathering == null) {
                    gathering = spare != null ? spare : new ByteArrayBuffer(Math.max(size, 8192), false);
                    spare = null;
                    waiting.add(new Segment(gathering, true));
                }
                gathering.putRawBytes(reply.array(), reply.rpos(), size);
                waitingBytes += size;
            }
        }
        if (now != null) {
            send(now);
        }
        return accepted;
    }

    /** Under {@link #lock}: waits while the queue is full, or throws why it cannot take more. */
    private void awaitRoom(int size) throws IOException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (failure == null && !isClosing() && queued() > 0 && queued() + size > maxQueued) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                failure = new IOException("the SFTP client read no reply for " + maxWait + " with "
                        + queued() + " bytes of replies queued");
                break;
            }
            try {
                lock.wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new InterruptedIOException("interrupted while waiting for the SFTP client to read");
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (isClosing()) {
            throw new EOFException("the SFTP reply stream is closed");
        }
    }

    private int queued() {
        return (inFlight == null ? 0 : inFlight.buffer().available()) + waitingBytes;
    }

    /** Writes {@code segment}, then what waits; loops rather than recursing when writes finish at once. */
    private void send(Segment segment) {
        for (Segment next = segment; next != null; ) {
            IoWriteFuture written;
            try {
                written = channel.writeBuffer(next.buffer());
            } catch (IOException | RuntimeException e) {
                next = finished(next, e);
                continue;
            }
            if (!written.isDone()) {
                Segment sent = next;
                written.addListener(f -> {
                    Segment more = finished(sent, f.isWritten() ? null : f.getException());
                    if (more != null) {
                        send(more);
                    }
                });
                return;
            }
            next = finished(next, written.isWritten() ? null : written.getException());
        }
    }

    /** A write ended (with {@code error} when it failed); returns what to write next, or null. */
    private Segment finished(Segment sent, Throwable error) {
        synchronized (lock) {
            if (error != null && failure == null) {
                failure = error instanceof IOException io ? io : new IOException(error.getMessage(), error);
            }
            if (sent.ours() && spare == null) {
                // the channel is done with our gathering buffer: reuse it
                ByteArrayBuffer b = (ByteArrayBuffer) sent.buffer();
                b.clear(false);
                spare = b;
            }
            Segment next = failure == null ? waiting.poll() : null;
            if (next != null) {
                waitingBytes -= next.buffer().available();
                if (next.buffer() == gathering) {
                    gathering = null;
                }
                inFlight = next;
            } else {
                inFlight = null;
                spare = null; // idle: hold no batch buffer for a session that may stay open for hours
            }
            lock.notifyAll();
            return next;
        }
    }

    @Override
    protected void doCloseImmediately() {
        synchronized (lock) {
            lock.notifyAll();
        }
        super.doCloseImmediately();
    }
}
