package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resident memory of a server from /proc: for Postern the agent JVM alone; for OpenSSH the listener plus
 * every sshd process it forked (per-connection monitor and session processes). The commands the sessions
 * run (sleep, cat) belong to the user on both sides and are left out.
 *
 * <p>Two numbers: the sum of VmRSS (what {@code ps} shows; counts pages shared between forked sshd
 * processes once per process) and the sum of Pss from smaps_rollup (shared pages split between sharers).
 *
 * @param rssMb sum of VmRSS in MiB
 * @param pssMb sum of Pss in MiB
 * @param processes how many processes were counted
 */
record Memory(double rssMb, double pssMb, int processes) {
    static Memory of(SshServerProcess server) throws IOException {
        return of(processes(server.child().pid(), !server.isPostern()));
    }

    /**
     * {@code pid} alone (a JVM), or with {@code sshdTree} also every sshd process it forked (per-connection
     * monitors and their unprivileged children), not the programs they run for the user.
     */
    static List<Long> processes(long pid, boolean sshdTree) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        if (sshdTree) {
            ProcessHandle.of(pid).ifPresent(h -> h.descendants()
                    .filter(d -> comm(d.pid()).equals("sshd")).forEach(d -> pids.add(d.pid())));
        }
        return pids;
    }

    static Memory of(List<Long> pids) {
        long rss = 0;
        long pss = 0;
        for (long pid : pids) {
            rss += kb(Path.of("/proc", String.valueOf(pid), "status"), "VmRSS:");
            pss += kb(Path.of("/proc", String.valueOf(pid), "smaps_rollup"), "Pss:");
        }
        return new Memory(rss / 1024.0, pss / 1024.0, pids.size());
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip();
        } catch (IOException e) {
            return ""; // exited meanwhile
        }
    }

    private static long kb(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0; // exited meanwhile
        }
        return 0;
    }
}
