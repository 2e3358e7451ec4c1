package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A child started by {@link Spawner}: its pid (also its session and process-group id), a pidfd, and the
 * parent's ends of its pipes (-1 when it has a PTY or inherited stdio). Not thread-safe; the session owns it.
 *
 * <p>A session's child is reaped on the reactor thread only, which is also the thread that signals it: until
 * then an exited child stays a zombie and keeps its pid, its process-group and session ids, so a signal sent
 * while {@link #status()} is null cannot reach a process that got the number since. Without pidfds (Linux
 * before 5.3) a waiter thread waits for the exit without reaping ({@code WNOWAIT}) and leaves the reaping to
 * the reactor.
 */
final class ChildProcess {
    final int pid;
    private final int pidfd;
    final int stdin;
    final int stdout;
    final int stderr;
    private volatile ExitStatus status;
    private boolean hungUp; // reactor thread

    ChildProcess(int pid, int pidfd, int stdin, int stdout, int stderr) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Calls {@code onExit} on the reactor thread once the child has ended and been reaped (there). */
    void whenExited(Reactor reactor, Consumer<ExitStatus> onExit) {
        if (pidfd < 0) {
            Thread waiter = new Thread(() -> {
                awaitExit();
                reactor.execute(() -> onExit.accept(waitBlocking())); // exited: reaps without blocking
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
                ExitStatus s = reap(Libc.WNOHANG);
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
        ExitStatus s = reap(0);
        return s != null ? s : status;
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
        signalSession(Posix.SIGKILL);
        ExitStatus s = waitBlocking();
        Posix.close(pidfd);
        return s;
    }

    /** The exit status once reaped, else null. */
    ExitStatus status() {
        return status;
    }

    /** SIGHUP to the child's whole session, the first time only: a stopping agent does not repeat a hang-up. */
    void hangUp() {
        if (!hungUp) {
            hungUp = true;
            signalSession(Posix.SIGHUP);
        }
    }

    /** Sends {@code signal} to the whole session of the child, unless it has been reaped already. */
    void signalSession(int signal) {
        if (status == null) {
            Posix.signalSession(pid, signal);
        } else {
            // The leader is gone, but its session members may live on. While one does, Linux keeps the session
            // id's number from being handed out again; so a process that has this pid now got it after they all
            // ended, and the session of that id is someone else's: another person's shell, started with setsid
            // while this session drained its output (which its client can hold up as long as it likes).
            List<Integer> members = Posix.sessionMembers(pid);
            // looked at after the scan, so that a reuse during it counts too
            if (Files.exists(Path.of("/proc", Integer.toString(pid)))) {
                return;
            }
            for (int member : members) {
                Libc.C.kill(member, signal);
            }
        }
    }

    private ExitStatus reap(int flags) {
        if (status != null) {
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
        return status;
    }
}
