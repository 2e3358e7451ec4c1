package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that moves every session's bytes: it {@code poll(2)}s all child pipes, PTY masters and pidfds
 * at once and calls their {@link Handler}s. A session therefore costs no thread; its memory is one read
 * buffer per output stream plus at most one SSH window of client input. Handlers run only on this thread;
 * other threads hand it work with {@link #execute}, and {@link #schedule} runs work after a delay (the poll's
 * timeout), so a session's SIGKILL after its grace period needs no other timer.
 *
 * <p>Once stopped ({@link #close}), it never touches its wake-up pipe again: the pipe's descriptor numbers go
 * back to the process, and a wake-up byte written to one of them later lands in whatever was opened next (with
 * a gateway in the same JVM, a person's SSH connection, whose client then printed "Bad packet length"). Callers
 * do come late (MINA's threads closing channels after the agent stopped its sessions), and their work is not
 * dropped: it runs on the caller's thread, one task at a time and in order, as it would have on the reactor's.
 * Timers still pending when it stops run then, at once: the grace they waited out ends with the agent (whose
 * {@code Sessions} has by then given every process its own grace, see {@link SessionChildren}).
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
    // serialises the tasks run after the stop: the reactor's own last ones, then late callers' on their threads
    private final Object lateLock = new Object();
    private boolean drainingLate; // guarded by lateLock
    private boolean timersClosed; // reactor thread; once stopped, guarded by lateLock
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(Comparator.comparingLong(Timer::due)
            .thenComparingLong(Timer::seq)); // reactor thread; once stopped, guarded by lateLock
    private long timerSeq;
    // this round's reading of /proc, shared by the signals it sends; reactor thread, once stopped guarded by lateLock
    private ProcessTable processes;
    private Memory pollfds = new Memory(8 * 16);

    private record Timer(long due, long seq, Runnable task) {
    }

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

    /**
     * Runs {@code task} on the reactor thread, soon; once the reactor has stopped, on the calling thread, after
     * the late tasks handed over before it (never two at once).
     */
    void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            tasks.add(task); // the loop drains the queue before it polls (or stops) again
            return;
        }
        synchronized (wakeLock) {
            if (!stopped) {
                tasks.add(task);
                FastIo.writeByte(wake[1]); // false: the pipe already holds a wake-up byte
                return;
            }
        }
        synchronized (lateLock) {
            tasks.add(task);
            if (drainingLate) {
                return; // a late task of this thread handed it over: it runs next, as on the reactor
            }
            LOG.debug("session I/O task handed over after the reactor stopped; running it on {}",
                    Thread.currentThread().getName());
            drainLate();
        }
    }

    /**
     * Runs {@code task} on the reactor thread once {@code delay} has passed, or when the reactor stops, whichever
     * comes first; at once when it has stopped already.
     */
    void schedule(Duration delay, Runnable task) {
        long due = System.nanoTime() + delay.toNanos();
        execute(() -> {
            if (timersClosed) {
                run(task);
            } else {
                timers.add(new Timer(due, timerSeq++, task));
            }
        });
    }

    /**
     * The processes of each session, read from /proc once per round of work (on this thread; or, once stopped, per
     * batch of late work): the many hang-ups of a server closing all its channels, or of a stopping agent, read it
     * once. A round never spans the wait in poll(2), so what it reads is at most as old as the round.
     */
    ProcessTable processes() {
        if (processes == null) {
            processes = ProcessTable.scan();
        }
        return processes;
    }

    void register(Handler h) {
        execute(() -> handlers.add(h));
    }

    void unregister(Handler h) {
        execute(() -> handlers.remove(h));
    }

    private void loop() {
        while (running) {
            processes = null;
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
                Libc.C.poll(pollfds, n, pollTimeout());
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR) {
                    LOG.error("poll failed: {}", Posix.strerror(e.getErrorCode()));
                }
                continue;
            }
            processes = null;
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
            runDueTimers();
        }
        synchronized (lateLock) {
            synchronized (wakeLock) {
                stopped = true; // from here on no other thread queues a task or writes to the wake-up pipe
            }
            timersClosed = true;
            drainLate(); // hang-ups queued by a closing server still reach their sessions
            processes = null;
            if (!timers.isEmpty()) {
                LOG.debug("session I/O stopping: running {} pending timer(s) now", timers.size());
            }
            for (Timer t = timers.poll(); t != null; t = timers.poll()) {
                run(t.task());
            }
        }
        Posix.close(wake[0]);
        Posix.close(wake[1]);
    }

    /** Holding lateLock: runs the queued tasks, and those they queue, on this thread. */
    private void drainLate() {
        drainingLate = true;
        processes = null;
        try {
            for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
                run(r);
            }
        } finally {
            drainingLate = false;
        }
    }

    /** Milliseconds until the next timer is due (rounded up, so it is due when poll returns), -1 for none. */
    private int pollTimeout() {
        Timer next = timers.peek();
        if (next == null) {
            return -1;
        }
        long nanos = next.due() - System.nanoTime();
        return nanos <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().due() - now <= 0) {
            run(timers.poll().task());
        }
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
