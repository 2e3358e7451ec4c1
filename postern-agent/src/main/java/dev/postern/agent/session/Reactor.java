package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that moves every session's bytes: it {@code poll(2)}s all child pipes, PTY masters and pidfds
 * at once and calls their {@link Handler}s. A session therefore costs no thread; its memory is one read
 * buffer per output stream plus at most one SSH window of client input. Handlers run only on this thread;
 * other threads hand it work with {@link #execute}.
 *
 * <p>Once stopped ({@link #close}), it drops what it is handed and never touches its wake-up pipe again: the
 * pipe's descriptor numbers go back to the process, and a wake-up byte written to one of them later lands in
 * whatever was opened next (with a gateway in the same JVM, a person's SSH connection, whose client then
 * printed "Bad packet length"). Callers do come late: the SIGKILL a hung-up session schedules after its grace
 * period, and MINA's threads closing channels after the agent stopped its sessions.
 */
final class Reactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reactor.class);

    /** Something with a descriptor to watch; called on the reactor thread only. */
    interface Handler {
        int fd();

        /** POLLIN/POLLOUT bits wanted now; 0 to be left out of this round. */
        short interest();

        void ready(short revents);
    }

    private final List<Handler> handlers = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final int[] wake = new int[2];
    private final Thread thread;
    private volatile boolean running = true;
    // guards the wake-up pipe's write end against being written after it is closed (then reused)
    private final Object wakeLock = new Object();
    private boolean stopped; // guarded by wakeLock
    private Memory pollfds = new Memory(8 * 16);

    Reactor(String name) throws IOException {
        try {
            Libc.C.pipe2(wake, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new IOException("cannot create the reactor's wake-up pipe: " + Posix.strerror(e.getErrorCode()));
        }
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on the reactor thread, soon; drops it once the reactor has stopped. */
    void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            tasks.add(task); // the loop drains the queue before it polls (or stops) again
            return;
        }
        synchronized (wakeLock) {
            if (stopped) {
                LOG.debug("session I/O task handed over after the reactor stopped; dropped");
                return;
            }
            tasks.add(task);
            FastIo.writeByte(wake[1]); // false: the pipe already holds a wake-up byte
        }
    }

    void register(Handler h) {
        execute(() -> handlers.add(h));
    }

    void unregister(Handler h) {
        execute(() -> handlers.remove(h));
    }

    private void loop() {
        while (running) {
            for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
                run(r);
            }
            Handler[] watched = handlers.stream().filter(h -> h.interest() != 0 && h.fd() >= 0)
                    .toArray(Handler[]::new);
            int n = watched.length + 1;
            if (pollfds.size() < 8L * n) {
                pollfds = new Memory(8L * n * 2);
            }
            pollfds.setInt(0, wake[0]);
            pollfds.setShort(4, Libc.POLLIN);
            pollfds.setShort(6, (short) 0);
            for (int i = 0; i < watched.length; i++) {
                long o = 8L * (i + 1);
                pollfds.setInt(o, watched[i].fd());
                pollfds.setShort(o + 4, watched[i].interest());
                pollfds.setShort(o + 6, (short) 0);
            }
            try {
                Libc.C.poll(pollfds, n, -1);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR) {
                    LOG.error("poll failed: {}", Posix.strerror(e.getErrorCode()));
                }
                continue;
            }
            if (pollfds.getShort(6) != 0) {
                FastIo.drain(wake[0]);
            }
            for (int i = 0; i < watched.length; i++) {
                short revents = pollfds.getShort(8L * (i + 1) + 6);
                if (revents != 0) {
                    Handler h = watched[i];
                    run(() -> h.ready(revents));
                }
            }
        }
        synchronized (wakeLock) {
            stopped = true; // from here on no other thread queues a task or writes to the wake-up pipe
        }
        for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
            run(r); // hang-ups queued by a closing server still reach their sessions
        }
        Posix.close(wake[0]);
        Posix.close(wake[1]);
    }

    private static void run(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | Error e) {
            LOG.error("session I/O handler failed", e);
        }
    }

    @Override
    public void close() {
        running = false;
        execute(() -> { });
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
