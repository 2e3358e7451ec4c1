package dev.postern.agent.files;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.postern.agent.session.ThreadSyscalls;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one transfer (an SFTP subsystem or one scp command) on a thread of its own, which ends with it.
 *
 * <p>Why a new thread: to act as a non-root user, the thread takes that user's full credentials and drops
 * every capability ({@link ThreadSyscalls#becomeUser}), exactly as a session's shell is started; it can never
 * be root again, so it must not go back to any pool, MINA's included, where it could later do root work or
 * serve someone else. The caller (MINA's executor thread) only waits for it. Every file operation of the
 * transfer happens on this thread, so the kernel checks the user's rights for all of them, and the thread's
 * {@code /proc/PID/task/TID/status}, read from outside, shows the user's ids and no capabilities.
 *
 * <p>The thread also gets its own umask: {@code unshare(CLONE_FS)} gives it a private copy of the cwd, root and
 * umask that JVM threads otherwise share, so setting the umask does not touch the agent or its sessions. Where
 * the kernel or a seccomp filter forbids that, the explicit creation modes of {@link Umask} still apply to files
 * and directories made by SFTP OPEN and MKDIR and by scp.
 *
 * <p>A non-root user's thread also gets, while still root, a mount namespace of its own with every procfs mount
 * covered ({@link ProcfsHiding}): as a thread of the agent's process it could otherwise follow the process's
 * {@code /proc/self/fd} magic links to files in directories it may not enter. Root logins keep {@code /proc}.
 */
final class TransferThread {
    private static final Logger LOG = LoggerFactory.getLogger(TransferThread.class);
    private static final int CLONE_FS = 0x200;
    private static final LibC LIBC = load();
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicBoolean WARNED_PROC = new AtomicBoolean();

    private interface LibC extends Library {
        int unshare(int flags) throws LastErrorException;

        int umask(int mask);

        int geteuid();
    }

    private TransferThread() {
    }

    /** The effective uid of the agent process. */
    static int agentUid() {
        if (LIBC == null) {
            throw new IllegalStateException("cannot read the agent's uid: the C library could not be loaded"
                    + " through JNA");
        }
        return LIBC.geteuid();
    }

    /**
     * Runs {@code work} on a new thread with {@code umask}, as {@code switchTo} when it is not null, and waits for
     * it to end. An interrupt of the caller (MINA closing the channel) is passed on to the transfer thread.
     *
     * @throws IOException when the thread could not become the user; {@code work} has not run then
     */
    static void run(String name, LocalUser switchTo, Umask umask, Runnable work) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean became = new AtomicBoolean();
        Thread thread = new Thread(() -> {
            try {
                if (switchTo != null) {
                    hideProcfs();
                }
                restrictUmask(umask);
                if (switchTo != null) {
                    ThreadSyscalls.becomeUser(switchTo.uid(), switchTo.gid(), switchTo.groups());
                }
                became.set(true);
                work.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        if (!became.get()) {
            throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
        }
        if (t instanceof RuntimeException rt) {
            throw rt;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(t);
    }

    /** While still root: a view of the file system without procfs, so the user cannot use the agent's fds. */
    private static void hideProcfs() {
        try {
            ProcfsHiding.hideFromThisThread();
        } catch (IOException e) {
            if (WARNED_PROC.compareAndSet(false, true)) {
                LOG.warn("SFTP and scp of non-root logins can reach files the agent process holds open through"
                        + " /proc/self/fd, /dev/fd and /proc/PID/fd, skipping the permissions of the directories"
                        + " above them: transfer threads cannot get a mount namespace without /proc ({}). Give the"
                        + " agent CAP_SYS_ADMIN and allow unshare and mount (seccomp, AppArmor) to close this;"
                        + " transfers continue without it (warned once)", e.getMessage());
            }
        }
    }

    private static void restrictUmask(Umask umask) {
        if (LIBC == null) {
            return;
        }
        try {
            LIBC.unshare(CLONE_FS);
            LIBC.umask(umask.bits());
        } catch (LastErrorException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("file transfers cannot have a umask of their own (unshare(CLONE_FS) failed with errno {});"
                        + " SFTP and scp still create files with umask {} applied, other paths use the agent's",
                        e.getErrorCode(), umask);
            }
        }
    }

    private static LibC load() {
        try {
            return Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }
}
