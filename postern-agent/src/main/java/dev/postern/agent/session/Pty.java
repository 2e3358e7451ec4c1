package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A pseudo-terminal pair: the agent keeps the master (non-blocking, polled by the {@link Reactor}); the
 * child opens the slave by path after {@code setsid}, which makes it the child's controlling terminal.
 *
 * <p>Once closed it never touches {@link #master} again: the number goes back to the process, and the next
 * session's PTY master may get it. A window-change that a person sends as their shell exits (its task runs
 * after the session closed the master) would otherwise resize that other person's terminal.
 */
final class Pty {
    final int master;
    final String slave;
    private boolean closed; // guarded by this

    private Pty(int master, String slave) {
        this.master = master;
        this.slave = slave;
    }

    static Pty open(int columns, int rows) throws IOException {
        int master;
        try {
            master = Libc.C.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a pseudo-terminal: " + Posix.strerror(e.getErrorCode()), e);
        }
        byte[] name = new byte[128];
        if (Libc.C.grantpt(master) != 0 || Libc.C.unlockpt(master) != 0
                || Libc.C.ptsname_r(master, name, name.length) != 0) {
            Posix.close(master);
            throw new IOException("cannot unlock the pseudo-terminal slave");
        }
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        Pty pty = new Pty(master, new String(name, 0, len, StandardCharsets.US_ASCII));
        pty.resize(columns, rows);
        Posix.setNonBlocking(master);
        return pty;
    }

    /** Applies a window size; the kernel sends SIGWINCH to the terminal's foreground process group. */
    synchronized void resize(int columns, int rows) {
        if (closed) {
            return; // the session has ended; master may be another terminal's number by now
        }
        if (columns <= 0 || rows <= 0) {
            return; // clients send 0 when they do not know; keep the kernel's default
        }
        short[] ws = {(short) rows, (short) columns, 0, 0};
        try {
            Libc.C.ioctl(master, Libc.TIOCSWINSZ, ws);
        } catch (LastErrorException e) {
            // the terminal is already closed
        }
    }

    /** Gives the slave to the session's user, as sshd does, so programs that reopen it by name can. */
    void chown(int uid, int gid) {
        Libc.C.chown(slave, uid, gid);
    }

    /** Closes the master, once. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            Posix.close(master);
        }
    }
}
