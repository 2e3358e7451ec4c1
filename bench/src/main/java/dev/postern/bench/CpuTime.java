package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time (user + system, utime + stime of /proc/PID/stat) of a fixed set of processes, to measure what they
 * spend over a window: {@link #start} then {@link #secondsSince}. A process that exits meanwhile counts until its
 * last reading; one that appears meanwhile is not counted (the caller picks the set when the load is in place).
 */
final class CpuTime {
    private final Map<Long, Long> ticksAtStart;
    private final long ticksPerSecond;
    private final boolean withChildren;

    private CpuTime(Map<Long, Long> ticksAtStart, long ticksPerSecond, boolean withChildren) {
        this.ticksAtStart = ticksAtStart;
        this.ticksPerSecond = ticksPerSecond;
        this.withChildren = withChildren;
    }

    static CpuTime start(List<Long> pids) throws IOException {
        return start(pids, false);
    }

    /**
     * With {@code withChildren}, also the CPU time of children each process waited for (cutime + cstime), e.g. the
     * shells of sessions that ended meanwhile.
     */
    static CpuTime start(List<Long> pids, boolean withChildren) throws IOException {
        Map<Long, Long> ticks = new HashMap<>();
        for (long pid : pids) {
            ticks.put(pid, ticks(pid, withChildren));
        }
        String tck = Proc.check(Duration.ofSeconds(10), List.of("getconf", "CLK_TCK")).output().strip();
        return new CpuTime(ticks, Long.parseLong(tck), withChildren);
    }

    /** CPU seconds the processes used since {@link #start}. */
    double secondsSince() {
        long used = 0;
        for (Map.Entry<Long, Long> e : ticksAtStart.entrySet()) {
            long now = ticks(e.getKey(), withChildren);
            used += now > 0 ? now - e.getValue() : 0;
        }
        return used / (double) ticksPerSecond;
    }

    /** Clock ticks per second of utime and stime ({@code getconf CLK_TCK}, read once). */
    static synchronized long ticksPerSecond() {
        if (clkTck == 0) {
            try {
                clkTck = Long.parseLong(Proc.check(Duration.ofSeconds(10), List.of("getconf", "CLK_TCK")).output().strip());
            } catch (IOException | RuntimeException e) {
                clkTck = 100; // the Linux default
            }
        }
        return clkTck;
    }

    private static long clkTck;

    int processes() {
        return ticksAtStart.size();
    }

    /**
     * CPU seconds of {@code pid} and of its children that it has reaped (utime + stime + cutime + cstime): for a
     * server, the per-connection processes or the session's shell and command once they have ended.
     */
    static double secondsWithChildren(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            String tck = Proc.check(Duration.ofSeconds(10), List.of("getconf", "CLK_TCK")).output().strip();
            return ticks / Double.parseDouble(tck);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime in clock ticks; 0 when the process is gone. */
    static long ticks(long pid) {
        return ticks(pid, false);
    }

    /** utime + stime (and cutime + cstime with {@code withChildren}) in clock ticks; 0 when the process is gone. */
    static long ticks(long pid, boolean withChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces: state is the first,
            // utime the 12th, stime the 13th (fields 14 and 15 of proc(5))
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withChildren ? own + Long.parseLong(f[13]) + Long.parseLong(f[14]) : own;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
