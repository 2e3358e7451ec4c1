package dev.postern.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * CPU time (utime + stime) of a process and all its descendants over a window, for a server that forks per
 * connection (sshd, its session process and sftp-server): a thread reads /proc every {@link #PERIOD_MILLIS} ms and
 * keeps each descendant's last reading, so a process that starts and exits inside the window counts up to its last
 * reading (at most one period of its CPU is lost). {@link CpuTime#secondsWithChildren} does not see these: sshd's
 * listener reaps its per-connection processes too late or not at all for that.
 *
 * <pre>{@code
 * try (TreeCpu cpu = TreeCpu.start(sshdPid)) { transfer(); double s = cpu.seconds(); }
 * }</pre>
 */
final class TreeCpu implements AutoCloseable {
    static final long PERIOD_MILLIS = 20;
    private final long root;
    private final Map<Long, Long> atStart = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Thread poller;
    private volatile boolean stop;

    private TreeCpu(long root) {
        this.root = root;
        this.poller = new Thread(this::poll, "tree-cpu-" + root);
        this.poller.setDaemon(true);
    }

    /** Starts watching {@code root} and its descendants; what they used before now is not counted. */
    static TreeCpu start(long root) {
        TreeCpu t = new TreeCpu(root);
        synchronized (t) {
            t.atStart.putAll(t.read());
        }
        t.poller.start();
        return t;
    }

    /** Stops watching and returns the CPU seconds the tree used since {@link #start}. */
    double seconds() {
        close();
        long ticks = 0;
        synchronized (this) {
            for (Map.Entry<Long, Long> e : last.entrySet()) {
                ticks += Math.max(0, e.getValue() - atStart.getOrDefault(e.getKey(), 0L));
            }
        }
        return ticks / (double) CpuTime.ticksPerSecond();
    }

    @Override
    public void close() {
        if (stop) {
            return;
        }
        stop = true;
        poller.interrupt();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<Long, Long> now = read();
        synchronized (this) {
            now.forEach((pid, t) -> last.merge(pid, t, Math::max));
        }
    }

    private void poll() {
        while (!stop) {
            Map<Long, Long> now = read();
            synchronized (this) {
                now.forEach((pid, t) -> last.merge(pid, t, Math::max));
            }
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** utime + stime in ticks of {@code root} and every live descendant. */
    private Map<Long, Long> read() {
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : dir) {
                long pid = Long.parseLong(p.getFileName().toString());
                String[] f = stat(pid);
                if (f != null) {
                    // fields after "(comm) ": state, ppid, ... utime is the 12th, stime the 13th
                    parents.put(pid, Long.parseLong(f[1]));
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        Set<Long> tree = new HashSet<>();
        for (long pid : ticks.keySet()) {
            long p = pid;
            for (int depth = 0; depth < 64 && p > 1; depth++) {
                if (p == root) {
                    tree.add(pid);
                    break;
                }
                p = parents.getOrDefault(p, 0L);
            }
        }
        Map<Long, Long> out = new HashMap<>();
        tree.forEach(pid -> out.put(pid, ticks.get(pid)));
        return out;
    }

    private static String[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
