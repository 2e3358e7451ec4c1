package dev.postern.agent.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions whose processes may still run, so that a stopping agent ends them rather than leave them running
 * as their users: a process that ignores SIGHUP outlives its session's hang-up by the grace period, and once the
 * agent has stopped nothing would send the SIGKILL that ends it (nor read its pipes or PTY). A session counts
 * from its spawn until it ended on its own (its shell exited and its output was drained) or its hang-up is over
 * (SIGKILL sent after the grace, shell exited); then its shell is reaped, never before (see {@link ChildProcess}).
 * {@link #stopAll} hangs up each session still counted, SIGKILLs what is left of them after the same grace as a
 * single hang-up, and waits, bounded, until they are gone: the shell exited and no process left in its session. A process that left the session ({@code
 * setsid}, as a daemon does) is not found, as under sshd.
 */
final class SessionChildren {
    private static final Logger LOG = LoggerFactory.getLogger(SessionChildren.class);
    /** How often {@link #stopAll} looks in /proc for processes left in a session whose shell has exited. */
    private static final long LOOK_MILLIS = 20;

    private final Set<ChildProcess> live = new LinkedHashSet<>(); // guarded by this
    private boolean stopping; // guarded by this

    /**
     * Counts {@code child}'s session, unless the sessions are stopping (then the caller must end it, since
     * {@link #stopAll} has already taken its list).
     */
    synchronized boolean add(ChildProcess child) {
        if (stopping) {
            return false;
        }
        live.add(child);
        return true;
    }

    /** {@code child}'s session is over (see the class comment). */
    synchronized void remove(ChildProcess child) {
        live.remove(child);
    }

    /** {@code child} has exited: wakes {@link #stopAll}. */
    synchronized void exited() {
        notifyAll();
    }

    /**
     * Hangs up every counted session (on the reactor, the thread that reaps, so no signal reaches a reused pid),
     * SIGKILLs the processes left in them after {@code grace}, and waits up to {@code reapWait} more until they
     * are gone. Sessions started later are refused ({@link #add}).
     *
     * @return the session ids with processes still there (stuck in the kernel), normally none
     */
    List<Integer> stopAll(Reactor reactor, Duration grace, Duration reapWait) throws InterruptedException {
        List<ChildProcess> sessions;
        synchronized (this) {
            stopping = true;
            sessions = new ArrayList<>(live);
        }
        if (sessions.isEmpty()) {
            return List.of();
        }
        LOG.info("stopping: hanging up {} session(s) {}", sessions.size(), pids(sessions));
        reactor.execute(() -> sessions.forEach(c -> c.hangUp(reactor.processes())));
        List<ChildProcess> left = awaitGone(sessions, grace);
        if (left.isEmpty()) {
            return List.of();
        }
        LOG.info("stopping: session(s) {} survived SIGHUP for {}; killing them", pids(left), grace);
        reactor.execute(() -> left.forEach(c -> c.signalSession(Posix.SIGKILL, reactor.processes())));
        List<Integer> stuck = pids(awaitGone(left, reapWait));
        if (!stuck.isEmpty()) {
            LOG.warn("stopping: session(s) {} still have processes {} after SIGKILL; stopping without them", stuck,
                    reapWait);
        }
        return stuck;
    }

    /** Waits up to {@code bound} until every session is gone; returns those that are not. */
    private List<ChildProcess> awaitGone(List<ChildProcess> sessions, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        List<ChildProcess> left = new ArrayList<>(sessions);
        while (true) {
            ProcessTable processes = ProcessTable.scan(); // once for all of them
            left.removeIf(c -> gone(c, processes));
            long wait = deadline - System.nanoTime();
            if (left.isEmpty() || wait <= 0) {
                return left;
            }
            synchronized (this) {
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(wait, TimeUnit.MILLISECONDS.toNanos(LOOK_MILLIS)));
            }
        }
    }

    /**
     * The shell has exited and no process is left in its session. Not merely reaped: the hang-up's SIGKILL reaps the
     * shell as soon as it is sent, before what it killed has died. (Once reaped, the number may go to another
     * session, whose processes are then counted too: stopAll waits longer, and signals none of them.)
     */
    private static boolean gone(ChildProcess c, ProcessTable processes) {
        return c.status() != null && processes.members(c.pid).isEmpty();
    }

    private static List<Integer> pids(List<ChildProcess> children) {
        return children.stream().map(c -> c.pid).toList();
    }
}
