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
 * Moves client input from the SSH channel to the child's stdin (or PTY master). MINA hands us data on its
 * I/O thread; we queue it and report it unconsumed, and give the SSH window back only once the bytes are in
 * the child's pipe. The queue is thereby bounded by the channel's window, and a child that does not read
 * stops the client. End of input closes the pipe (not a PTY: there the terminal has no end of file).
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

    InboundPump(Reactor reactor, AtomicLong counter) {
        this.reactor = reactor;
        this.counter = counter;
        reactor.register(this);
    }

    /** Starts writing to {@code fd}; data that arrived before the child started is written first. */
    void attach(int fd, boolean closeOnEof, IntConsumer windowRelease) {
        reactor.execute(() -> {
            this.fd = fd;
            this.closeOnEof = closeOnEof;
            this.windowRelease = windowRelease;
            flushIfIdle();
        });
    }

    /** Stops writing; closes the descriptor if it is a pipe this pump owns. Call on the reactor thread. */
    void detach() {
        reactor.execute(() -> {
            if (closeOnEof) {
                Posix.close(fd);
            }
            fd = -1;
            discard = true;
            queue.clear();
            reactor.unregister(this);
        });
    }

    @Override
    public int data(ChannelSession channel, byte[] buf, int start, int len) {
        byte[] copy = Arrays.copyOfRange(buf, start, start + len);
        reactor.execute(() -> {
            counter.addAndGet(copy.length);
            if (discard) {
                windowRelease.accept(copy.length);
            } else {
                queue.add(copy);
            }
        });
        return 0; // the window is released once the child has it
    }

    @Override
    public void close() {
        reactor.execute(() -> {
            eof = true;
            flushIfIdle();
        });
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public short interest() {
        return fd >= 0 && !queue.isEmpty() ? Libc.POLLOUT : 0;
    }

    @Override
    public void ready(short revents) {
        write();
    }

    private void flushIfIdle() {
        if (fd >= 0) {
            write();
        }
    }

    private void write() {
        while (fd >= 0 && !queue.isEmpty()) {
            byte[] head = queue.peek();
            byte[] rest = offset == 0 ? head : Arrays.copyOfRange(head, offset, head.length);
            long n;
            try {
                n = Libc.C.write(fd, rest, rest.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.EAGAIN || e.getErrorCode() == Libc.EINTR) {
                    return;
                }
                dropAll(); // EPIPE: the child closed its stdin; discard, but keep the client flowing
                return;
            }
            offset += (int) n;
            if (offset == head.length) {
                queue.poll();
                offset = 0;
                windowRelease.accept(head.length);
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
            windowRelease.accept(b.length - offset);
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
