package dev.postern.agent.session;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Descriptor plumbing for the reactor's tests: pipes, {@code dup2(2)} (to give a closed number to another stream,
 * as the next socket or file opened in the process would get it), and running a step on the reactor thread.
 */
final class Descriptors {
    /** dup2(2), which the agent itself does not need. */
    interface Dup extends Library {
        Dup C = Native.load("c", Dup.class);

        int dup2(int oldFd, int newFd);
    }

    private Descriptors() {
    }

    /** A non-blocking pipe: {read, write}. */
    static int[] pipe() {
        int[] fds = new int[2];
        Libc.C.pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        return fds;
    }

    /** Makes {@code number} another descriptor for what {@code fd} is; returns {@code number}. */
    static int reuse(int number, int fd) {
        return Dup.C.dup2(fd, number);
    }

    static void close(int... fds) {
        for (int fd : fds) {
            Libc.C.close(fd);
        }
    }

    /** Runs {@code step} on the reactor thread and waits (bounded) until it is done; rethrows what it threw. */
    static void onReactor(Reactor reactor, Runnable step) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        reactor.execute(() -> {
            try {
                step.run();
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        });
        done.get(10, TimeUnit.SECONDS);
    }
}
