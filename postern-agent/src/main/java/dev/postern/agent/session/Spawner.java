package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;

/**
 * Starts children with {@code posix_spawn(3)} rather than {@link ProcessBuilder} or pty4j, because only
 * this gives us, without helper programs in the image and without a thread per child:
 * <ul>
 *   <li>a clean signal mask: JVM threads block SIGQUIT, and children of ProcessBuilder and pty4j inherit
 *       that mask, so Ctrl-\ would do nothing in a session (POSIX_SPAWN_SETSIGMASK with an empty set);</li>
 *   <li>a new session and process group per child (POSIX_SPAWN_SETSID), so hang-up can reach every
 *       process of the session, and a PTY slave opened after setsid becomes the controlling terminal;</li>
 *   <li>no inherited descriptors of the JVM (addclosefrom_np), e.g. the listening socket;</li>
 *   <li>a pidfd, which the {@link Reactor} polls with the child's pipes to learn of its exit and reap its
 *       exact wait status (exit code or signal) with waitid;</li>
 *   <li>a child that is the login user from its start, when spawned from a thread switched to that user
 *       ({@link ThreadCredentials}), instead of a setpriv program started first.</li>
 * </ul>
 */
final class Spawner {
    private static final int OPAQUE = 1024; // larger than glibc's posix_spawn_file_actions_t / attr_t / sigset_t
    /**
     * Capacity asked for the stdin and stdout pipes (the kernel default is 64 KiB, two SSH packets). A bulk
     * transfer then rarely finds the pipe full, so MINA's I/O thread writes packets straight in (see
     * {@link InboundPump}) and the child reads large chunks. Pages are allocated only while data sits in the
     * pipe, so idle sessions cost nothing; if the kernel refuses (pipe-max-size, per-user limits), the default
     * stays.
     */
    static final int PIPE_SIZE = 1024 * 1024;

    private Spawner() {
    }

    static ChildProcess spawn(SpawnSpec spec) throws IOException {
        int[] in = null;
        int[] out = null;
        int[] err = null;
        try {
            if (spec.ptySlave() == null && !spec.inheritStdio()) {
                in = pipe();
                out = pipe();
                err = pipe();
                grow(in[1]);
                grow(out[1]);
            }
            int[] stdio = in == null ? null : new int[] {in[0], out[1], err[1]};
            int pid = spec.identity() == null ? posixSpawn(spec, stdio)
                    : ThreadCredentials.callAs(spec.identity(), () -> posixSpawn(spec, stdio));
            int pidfd = pidfd(pid);
            if (in != null) {
                Libc c = Libc.C;
                c.close(in[0]);
                c.close(out[1]);
                c.close(err[1]);
                Posix.setNonBlocking(in[1]);
                Posix.setNonBlocking(out[0]);
                Posix.setNonBlocking(err[0]);
                int[] keep = {in[1], out[0], err[0]};
                in = null;
                out = null;
                err = null;
                return new ChildProcess(pid, pidfd, keep[0], keep[1], keep[2]);
            }
            return new ChildProcess(pid, pidfd, -1, -1, -1);
        } finally {
            closeBoth(in);
            closeBoth(out);
            closeBoth(err);
        }
    }

    /**
     * posix_spawn with the calling thread's credentials, which the child inherits; {@code stdio} are the child
     * ends of its three pipes, or null for the PTY slave or the agent's own stdio.
     */
    private static int posixSpawn(SpawnSpec spec, int[] stdio) throws IOException {
        Libc c = Libc.C;
        Memory fa = new Memory(OPAQUE);
        Memory attr = new Memory(OPAQUE);
        Memory empty = new Memory(OPAQUE);
        Memory all = new Memory(OPAQUE);
        c.posix_spawn_file_actions_init(fa);
        c.posix_spawnattr_init(attr);
        try {
            if (spec.ptySlave() != null) {
                check(c.posix_spawn_file_actions_addopen(fa, 0, spec.ptySlave(), Libc.O_RDWR, 0), "addopen");
                check(c.posix_spawn_file_actions_adddup2(fa, 0, 1), "adddup2");
                check(c.posix_spawn_file_actions_adddup2(fa, 0, 2), "adddup2");
            } else if (stdio != null) {
                check(c.posix_spawn_file_actions_adddup2(fa, stdio[0], 0), "adddup2");
                check(c.posix_spawn_file_actions_adddup2(fa, stdio[1], 1), "adddup2");
                check(c.posix_spawn_file_actions_adddup2(fa, stdio[2], 2), "adddup2");
            }
            // as sshd does, a working directory that is missing or that the user may not enter (checked with the
            // user's own ids) means starting in /
            String cwd = c.access(spec.cwd(), Libc.X_OK) == 0 ? spec.cwd() : "/";
            check(c.posix_spawn_file_actions_addchdir_np(fa, cwd), "addchdir_np");
            check(c.posix_spawn_file_actions_addclosefrom_np(fa, 3), "addclosefrom_np");
            c.sigemptyset(empty);
            c.sigfillset(all);
            check(c.posix_spawnattr_setsigmask(attr, empty), "setsigmask");
            check(c.posix_spawnattr_setsigdefault(attr, all), "setsigdefault");
            check(c.posix_spawnattr_setflags(attr, (short) (Libc.POSIX_SPAWN_SETSID | Libc.POSIX_SPAWN_SETSIGMASK
                    | Libc.POSIX_SPAWN_SETSIGDEF)), "setflags");
            int[] pid = new int[1];
            int rc = c.posix_spawn(pid, spec.path(), fa, attr, spec.argvArray(), spec.envArray());
            if (rc != 0) {
                throw new IOException("cannot start " + spec.path() + ": " + Posix.strerror(rc));
            }
            return pid[0];
        } finally {
            c.posix_spawn_file_actions_destroy(fa);
            c.posix_spawnattr_destroy(attr);
        }
    }

    private static int pidfd(int pid) {
        try {
            return (int) Libc.C.syscall(Libc.SYS_PIDFD_OPEN, pid, 0);
        } catch (LastErrorException e) {
            return -1; // kernel older than 5.3: ChildProcess falls back to a waiting thread
        }
    }

    private static int[] pipe() throws IOException {
        int[] fds = new int[2];
        try {
            Libc.C.pipe2(fds, Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot create a pipe: " + Posix.strerror(e.getErrorCode()), e);
        }
        return fds;
    }

    private static void grow(int pipeFd) {
        try {
            Libc.C.fcntl(pipeFd, Libc.F_SETPIPE_SZ, PIPE_SIZE);
        } catch (LastErrorException e) {
            // EPERM/EBUSY: keep the default size; only throughput is affected
        }
    }

    private static void closeBoth(int[] fds) {
        if (fds != null) {
            Libc.C.close(fds[0]);
            Libc.C.close(fds[1]);
        }
    }

    private static void check(int rc, String what) throws IOException {
        if (rc != 0) {
            throw new IOException("posix_spawn " + what + " failed: " + Posix.strerror(rc));
        }
    }

}
