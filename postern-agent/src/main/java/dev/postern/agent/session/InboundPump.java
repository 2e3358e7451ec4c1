package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * Moves client input from the SSH channel to the child's stdin (or PTY master).
 *
 * <p>Fast path: while nothing is queued, MINA's I/O thread writes the packet straight into the non-blocking pipe
 * and reports it consumed, so MINA gives the window back at once; one copy, no thread hand-off. That is how a
 * bulk upload runs. Slow path: what the pipe does not take (the child is not reading, or not started yet) is
 * copied into a queue and reported unconsumed; the {@link Reactor} writes it when the pipe has room and only
 * then gives that window back. The queue is thereby bounded by the channel's window, and a child that does not
 * read stops the client. End of input closes the pipe (not a PTY: there the terminal has no end of file).
 *
 * <p>Threads: MINA's I/O thread calls {@link #data}; everything else runs on the reactor thread. The state is
 * guarded by this object's lock, and only the reactor thread closes the descriptor.
 */
final class InboundPump implements Reactor.Handler, ChannelDataReceiver {
    private final Reactor reactor;
    private final AtomicLong counter;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private IntConsumer windowRelease = n -> { };
    private int offset;
    private int fd = -1;
    private boolean closeOnEof;
    private boolean eof;
    private boolean discard;
    private boolean broken; // EPIPE seen on the I/O thread; the reactor closes the pipe
    private int toRelease; // window to give back once the lock is released (it sends a message)
    private int ordered; // requests (signal, window-change) handed to the reactor and not yet run

    InboundPump(Reactor reactor, AtomicLong counter) {
        this.reactor = reactor;
        this.counter = counter;
        reactor.register(this);
    }

    /** Starts writing to {@code fd}; data that arrived before the child started is written first. */
    void attach(int fd, boolean closeOnEof, IntConsumer windowRelease) {
        reactor.execute(() -> {
            synchronized (this) {
                this.fd = fd;
                this.closeOnEof = closeOnEof;
                this.windowRelease = windowRelease;
            }
            flushLocked();
        });
    }

    /**
     * Stops writing, at once; closes the descriptor if it is a pipe this pump owns. Reactor thread only. Not
     * deferred: the caller closes a PTY master right after, and until this returns MINA's I/O thread may still
     * write client input to {@code fd} ({@link #data}); a number closed and reused meanwhile (a socket, a file)
     * would get the person's keystrokes.
     */
    void detach() {
        synchronized (this) {
            if (closeOnEof) {
                Posix.close(fd);
            }
            fd = -1;
            discard = true;
            queue.clear();
        }
        reactor.unregister(this);
    }

    @Override
    public int data(ChannelSession channel, byte[] buf, int start, int len) {
        counter.addAndGet(len);
        // reactor.execute is called with this lock released: once the reactor has stopped it runs the task here,
        // after the late tasks of other threads, which may take this lock (a hang-up's detach)
        boolean epipe = false;
        synchronized (this) {
            if (discard) {
                return len; // consumed: the child is gone or closed its input, but the client keeps flowing
            }
            int written = 0;
            if (fd >= 0 && queue.isEmpty() && ordered == 0) {
                try {
                    written = FastIo.write(fd, buf, start, len);
                } catch (LastErrorException e) {
                    discard = true; // EPIPE: the child closed its stdin; discard, but keep the client flowing
                    broken = true;
                    epipe = true;
                }
                if (written == len) {
                    return len;
                }
            }
            if (!epipe) {
                queue.add(Arrays.copyOfRange(buf, start + written, start + len));
            }
        }
        if (epipe) {
            reactor.execute(this::closeIfBroken);
            return len;
        }
        reactor.execute(this::flushLocked); // also wakes the reactor to poll for room in the pipe
        return 0; // the window for the queued bytes is released once the child has them
    }

    /**
     * Runs {@code task} on the reactor thread before any input that arrives after this call is written: a
     * channel request (window-change, signal) must act before the bytes the client sent after it, which the fast
     * path would otherwise write first.
     */
    void runInOrder(Runnable task) {
        synchronized (this) {
            ordered++;
        }
        reactor.execute(() -> {
            try {
                task.run();
            } finally {
                synchronized (this) {
                    ordered--;
                }
                flushLocked();
            }
        });
    }

    @Override
    public void close() {
        reactor.execute(() -> {
            synchronized (this) {
                eof = true;
            }
            flushLocked();
        });
    }

    @Override
    public synchronized int fd() {
        return fd;
    }

    @Override
    public synchronized short interest() {
        return fd >= 0 && !queue.isEmpty() ? Libc.POLLOUT : 0;
    }

    @Override
    public void ready(short revents) {
        flushLocked();
    }

    private void flushLocked() {
        IntConsumer release;
        int n;
        synchronized (this) {
            if (fd >= 0) {
                write();
            }
            release = windowRelease;
            n = toRelease;
            toRelease = 0;
        }
        if (n > 0) {
            release.accept(n);
        }
    }

    private synchronized void closeIfBroken() {
        if (broken && closeOnEof && fd >= 0) {
            Posix.close(fd);
            fd = -1;
        }
    }

    // the callers hold the lock
    private void write() {
        while (fd >= 0 && !queue.isEmpty()) {
            byte[] head = queue.peek();
            int n;
            try {
                n = FastIo.write(fd, head, offset, head.length - offset);
            } catch (LastErrorException e) {
                dropAll(); // EPIPE: the child closed its stdin; discard, but keep the client flowing
                return;
            }
            if (n == 0) {
                return; // the pipe is full; the reactor polls for room
            }
            offset += n;
            if (offset == head.length) {
                queue.poll();
                offset = 0;
                toRelease += head.length;
            }
        }
        if (fd >= 0 && eof && queue.isEmpty() && closeOnEof) {
            Posix.close(fd);
            fd = -1;
        }
    }

    private void dropAll() {
        discard = true;
        for (byte[] b = queue.poll(); b != null; b = queue.poll()) {
            toRelease += b.length - offset;
            offset = 0;
        }
        if (closeOnEof) {
            Posix.close(fd);
            fd = -1;
        }
    }

    static IntConsumer releaser(ChannelSession channel) {
        return n -> {
            try {
                channel.getLocalWindow().release(n);
            } catch (IOException ignored) {
                // the channel is closing
            }
        };
    }
}
