package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.util.function.Consumer;

/**
 * A child started by {@link Spawner}: its pid (also its session and process-group id), a pidfd, and the
 * parent's ends of its pipes (-1 when it has a PTY or inherited stdio). Not thread-safe; the session owns it.
 *
 * <p>A session's child is reaped on the reactor thread only, which is also the thread that signals it, and only once
 * its session is over ({@link #reap}): {@link #whenExited} reports the exit but leaves the child a zombie, which keeps
 * its pid, and with it the number of its process group and session, from being handed out again. So a signal to
 * the session (its group and the processes found in /proc with its session id) cannot reach a process or session
 * that got the number since: not the shell of another person's session, nor a session whose own leader has exited
 * too (a daemon that forked twice, another session's background job). Without pidfds (Linux before 5.3) a waiter
 * thread waits for the exit without reaping ({@code WNOWAIT}) and hands it to the reactor.
 */
final class ChildProcess {
    final int pid;
    private final int pidfd;
    final int stdin;
    final int stdout;
    final int stderr;
    private volatile ExitStatus status; // once it has exited (a zombie until reaped)
    private volatile boolean reaped;
    private boolean hungUp; // reactor thread

    ChildProcess(int pid, int pidfd, int stdin, int stdout, int stderr) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Calls {@code onExit} on the reactor thread once the child has ended, leaving it unreaped: the session calls
     * {@link #reap} there once it will signal the child's session no more.
     */
    void whenExited(Reactor reactor, Consumer<ExitStatus> onExit) {
        if (pidfd < 0) {
            Thread waiter = new Thread(() -> {
                awaitExit();
                reactor.execute(() -> onExit.accept(waitFor(Libc.WNOWAIT))); // exited: returns at once
            }, "postern-wait-" + pid);
            waiter.setDaemon(true);
            waiter.start();
            return;
        }
        reactor.register(new Reactor.Handler() {
            private boolean done;

            @Override
            public int fd() {
                return pidfd;
            }

            @Override
            public short interest() {
                return done ? 0 : Libc.POLLIN;
            }

            @Override
            public void ready(short revents) {
                ExitStatus s = waitFor(Libc.WNOHANG | Libc.WNOWAIT);
                if (s != null && !done) {
                    done = true;
                    reactor.unregister(this);
                    Posix.close(pidfd);
                    onExit.accept(s);
                }
            }
        });
    }

    /** Waits for the child to end (blocking the calling thread) and reaps it. */
    ExitStatus waitBlocking() {
        ExitStatus s = waitFor(0);
        return s != null ? s : status;
    }

    /**
     * Reaps the child, which has exited ({@link #whenExited} said so): its pid, group and session numbers may then go
     * to other processes, so call it only once nothing will signal its session again. Then {@link #signalSession}
     * does nothing.
     */
    void reap() {
        waitFor(Libc.WNOHANG);
    }

    /** Whether the child has been reaped, its numbers free to be handed out again. */
    boolean reaped() {
        return reaped;
    }

    /**
     * Waits for the child to end (blocking the calling thread) and leaves it unreaped, a zombie whose pid no other
     * process can get, for the thread that signals it to reap ({@link #waitBlocking}, which then returns at once).
     */
    void awaitExit() {
        if (status != null) {
            return;
        }
        Memory info = new Memory(128);
        while (true) {
            try {
                Libc.C.waitid(Libc.P_PID, pid, info, Libc.WEXITED | Libc.WNOWAIT);
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR) {
                    return; // ECHILD: reaped already; the reap that follows says so
                }
            }
        }
    }

    /**
     * SIGKILLs the child's session and reaps the child on the calling thread, for a child that no reactor watches
     * (nothing else may reap it meanwhile); closes its pidfd.
     */
    ExitStatus killAndReap() {
        signalSession(Posix.SIGKILL, ProcessTable.scan());
        ExitStatus s = waitBlocking();
        Posix.close(pidfd);
        return s;
    }

    /** The exit status once it has exited (reaped or not), else null. */
    ExitStatus status() {
        return status;
    }

    /**
     * SIGHUP to the child's whole session (its processes looked up in {@code processes}), the first time only: a
     * stopping agent does not repeat a hang-up.
     */
    void hangUp(ProcessTable processes) {
        if (!hungUp) {
            hungUp = true;
            signalSession(Posix.SIGHUP, processes);
        }
    }

    /**
     * Sends {@code signal} to the whole session of the child (its processes looked up in {@code processes}, a
     * recent reading of /proc: {@link Reactor#processes}), unless it has been reaped: then the numbers are no
     * longer its own, and whatever has them now (a process, or the session of one that has since exited) is not
     * this session.
     */
    void signalSession(int signal, ProcessTable processes) {
        if (!reaped) {
            Posix.signalSession(pid, signal, processes);
        }
    }

    /** waitid for the exit; reaps unless {@code flags} has WNOWAIT; null when WNOHANG and still running. */
    private ExitStatus waitFor(int flags) {
        boolean peek = (flags & Libc.WNOWAIT) != 0;
        if (reaped || (peek && status != null)) {
            return status;
        }
        Memory info = new Memory(128);
        info.clear();
        while (true) {
            try {
                Libc.C.waitid(Libc.P_PID, pid, info, Libc.WEXITED | flags);
                break;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Libc.EINTR) {
                    status = ExitStatus.exited(255); // ECHILD: someone else reaped it; should not happen
                    reaped = true;
                    return status;
                }
            }
        }
        if (info.getInt(16) == 0) {
            return null; // WNOHANG and still running (si_pid is 0)
        }
        int code = info.getInt(8);
        int value = info.getInt(24);
        status = code == Libc.CLD_EXITED ? ExitStatus.exited(value)
                : ExitStatus.killed(value, code == Libc.CLD_DUMPED);
        if (!peek) {
            reaped = true;
        }
        return status;
    }
}
