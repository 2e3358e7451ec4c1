package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
     * other groups an interactive shell creates for its jobs (found in /proc, field 6 of stat).
     *
     * @return how many processes were signalled
     */
    static int signalSession(int sid, int signal) {
        int count = 0;
        if (Libc.C.kill(-sid, signal) == 0) {
            count++;
        }
        for (int pid : sessionMembers(sid)) {
            if (Libc.C.kill(pid, signal) == 0) {
                count++;
            }
        }
        return count;
    }

    /** Pids of live processes whose session id is {@code sid}. */
    static List<Integer> sessionMembers(int sid) {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                String stat;
                try {
                    stat = Files.readString(dir.resolve("stat"));
                } catch (IOException gone) {
                    continue; // exited while we looked
                }
                // pid (comm) state ppid pgrp session ...; comm may contain spaces and parentheses
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (f.length > 3 && !f[0].equals("Z") && Integer.parseInt(f[3]) == sid) {
                    pids.add(Integer.parseInt(dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // no /proc: the process-group kill above is all we can do
        }
        return pids;
    }
}
