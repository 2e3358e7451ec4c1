package dev.postern.agent.session;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a spawn as another user on a throwaway thread whose kernel credentials were switched to that user's.
 *
 * <p>Why: Linux keeps credentials per thread, and the child of {@code posix_spawn} (a clone of the calling
 * thread) starts with the calling thread's. Switching a thread that exists only for one spawn makes the child
 * the user's from its first instruction, without a helper program exec'd per session first (setpriv cost a
 * second program start per session, which bounded sessions per second, docs/BENCHMARKS.md 8). The switch uses
 * {@link ThreadSyscalls}, which change the calling thread only. A thread that gave up root can never get it back, so it ends right after the spawn.
 * As with setpriv, the order is groups, gid, uid (the last drops the capabilities the first two need), and the
 * thread keeps no capability, not even inheritable ones an exec could turn into real ones.
 */
final class ThreadCredentials {
    private ThreadCredentials() {
    }

    /** Work that may fail with an I/O error. */
    @FunctionalInterface
    interface IoWork<T> {
        T run() throws IOException;
    }

    /** Runs {@code work} on a new thread with {@code identity}'s uid, gid and groups, and returns its result. */
    static <T> T callAs(SpawnIdentity identity, IoWork<T> work) throws IOException {
        if (!ThreadSyscalls.available()) {
            throw new IOException("cannot start a process as uid " + identity.uid() + " on "
                    + System.getProperty("os.arch") + ": switching users needs Linux on amd64 or aarch64; run the"
                    + " agent as the login user instead");
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                become(identity);
                result.set(work.run());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "postern-spawn-as-" + identity.uid());
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the spawn takes a millisecond; finish it so its child is not lost
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof IOException io) {
            throw io;
        } else if (t instanceof RuntimeException rt) {
            throw rt;
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IOException(t);
        }
        return result.get();
    }

    private static void become(SpawnIdentity identity) throws IOException {
        ThreadSyscalls.becomeUser(identity.uid(), identity.gid(), identity.groups());
    }
}
