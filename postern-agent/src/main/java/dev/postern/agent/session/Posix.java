package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small conveniences over {@link Libc}. */
final class Posix {
    static final int SIGHUP = 1;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    private Posix() {
    }

    static String strerror(int errno) {
        return Libc.C.strerror(errno) + " (errno " + errno + ")";
    }

    static void setNonBlocking(int fd) throws IOException {
        try {
            int flags = Libc.C.fcntl(fd, Libc.F_GETFL, 0);
            Libc.C.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new IOException("cannot make fd " + fd + " non-blocking: " + strerror(e.getErrorCode()), e);
        }
    }

    static void close(int fd) {
        if (fd >= 0) {
            Libc.C.close(fd);
        }
    }

    /**
     * Sends {@code signal} to every process of the session led by {@code sid}: its process group, and the
     * other groups an interactive shell creates for its jobs (found in /proc, field 6 of stat). The caller keeps
     * {@code sid}'s number from being handed out again (its leader is alive or an unreaped zombie).
     *
     * @return how many processes were signalled
     */
    static int signalSession(int sid, int signal) {
        return signalSession(sid, signal, ProcessTable.scan());
    }

    /** As {@link #signalSession(int, int)}, with the session's processes looked up in {@code processes}. */
    static int signalSession(int sid, int signal, ProcessTable processes) {
        int count = 0;
        if (Libc.C.kill(-sid, signal) == 0) {
            count++;
        }
        for (int pid : processes.members(sid)) {
            if (signalMember(pid, sid, signal)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Signals {@code pid}, found in session {@code sid}, if it is still there. Between the scan and the signal it may
     * have exited, and its number gone to another process (reaped by its parent, another member, or by init): so
     * the signal goes through a pidfd, which names one process, opened before the session is looked at again.
     * Linux before 5.3 has no pidfd_open: then a plain kill(2), and that narrow race remains.
     */
    static boolean signalMember(int pid, int sid, int signal) {
        int pidfd;
        try {
            pidfd = (int) Libc.C.syscall(Libc.SYS_PIDFD_OPEN, pid, 0);
        } catch (LastErrorException e) {
            return e.getErrorCode() != Libc.ESRCH && Libc.C.kill(pid, signal) == 0;
        }
        try {
            if (sessionOf(pid) != sid) {
                return false; // the number went to a process of another session (the pidfd names that one or none)
            }
            Libc.C.syscall(Libc.SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0L, 0L);
            return true;
        } catch (LastErrorException e) {
            return false; // ESRCH: it has exited since
        } finally {
            close(pidfd);
        }
    }

    /** The session id of {@code pid} from /proc, or -1 when there is no such process (or no /proc). */
    static int sessionOf(int pid) {
        try {
            return sessionField(readStat(Path.of("/proc", Integer.toString(pid), "stat")));
        } catch (IOException gone) {
            return -1;
        }
    }

    /** Pids of live processes whose session id is {@code sid}. */
    static List<Integer> sessionMembers(int sid) {
        return ProcessTable.scan().members(sid);
    }

    /**
     * A /proc stat file. Its comm field is whatever bytes the process named itself (its executable's file name,
     * prctl), not necessarily UTF-8, which Files.readString refuses: such a process then looked like one that had
     * exited, and its session's signals missed it. Every byte is a character in ISO-8859-1.
     */
    static String readStat(Path stat) throws IOException {
        return new String(Files.readAllBytes(stat), StandardCharsets.ISO_8859_1);
    }

    // pid (comm) state ppid pgrp session ...; comm may contain spaces and parentheses
    static String[] fieldsAfterComm(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static int sessionField(String stat) {
        String[] f = fieldsAfterComm(stat);
        return f.length > 3 ? Integer.parseInt(f[3]) : -1;
    }
}
