package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Moves a child's output (a pipe or PTY master) to an SSH channel stream. It reads only when the previous
 * chunk has been written to the channel, so a slow client stops the child through the pipe instead of
 * filling the heap: one buffer per stream, no thread.
 */
final class OutboundPump implements Reactor.Handler {
    private static final int CHUNK = 32 * 1024;

    private final Reactor reactor;
    private final int fd;
    private final IoOutputStream out;
    private final AtomicLong counter;
    private final Runnable onEof;
    private final byte[] buf = new byte[CHUNK];
    private boolean writing;
    private boolean draining;
    private boolean done;

    OutboundPump(Reactor reactor, int fd, IoOutputStream out, AtomicLong counter, Runnable onEof) {
        this.reactor = reactor;
        this.fd = fd;
        this.out = out;
        this.counter = counter;
        this.onEof = onEof;
    }

    void start() {
        reactor.register(this);
    }

    /**
     * Reads what is left without waiting for more, then ends: a PTY master never reports end of file while a
     * background job still holds the terminal, so the session ends when its shell has exited and drained.
     */
    void drainAndFinish() {
        reactor.execute(() -> {
            draining = true;
            if (!writing && !done) {
                readOnce();
            }
        });
    }

    /** Stops for good without reporting end of file: the session is being torn down. */
    void stop() {
        if (!done) {
            done = true;
            reactor.unregister(this);
        }
    }

    boolean isDone() {
        return done;
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public short interest() {
        return writing || done ? 0 : Libc.POLLIN;
    }

    @Override
    public void ready(short revents) {
        if (!writing && !done) {
            readOnce();
        }
    }

    private void readOnce() {
        if (done) {
            return; // stopped: the session may have closed fd already, and its number may be someone else's now
        }
        long n;
        try {
            n = Libc.C.read(fd, buf, buf.length);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EAGAIN && !draining) {
                return;
            }
            if (e.getErrorCode() == Libc.EINTR) {
                return;
            }
            finish(); // EAGAIN while draining, EIO from a PTY whose slave side is closed, or a real error
            return;
        }
        if (n <= 0) {
            finish();
            return;
        }
        counter.addAndGet(n);
        writing = true;
        IoWriteFuture f;
        try {
            f = out.writeBuffer(new ByteArrayBuffer(buf, 0, (int) n));
        } catch (Exception closed) {
            finish();
            return;
        }
        f.addListener(written -> reactor.execute(() -> {
            writing = false;
            if (!written.isWritten()) {
                finish(); // the channel is gone; stop reading
            } else if (draining) {
                readOnce();
            }
        }));
    }

    private void finish() {
        if (!done) {
            done = true;
            reactor.unregister(this);
            onEof.run();
        }
    }
}
