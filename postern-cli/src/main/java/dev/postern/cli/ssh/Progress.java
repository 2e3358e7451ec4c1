package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.client.Printable;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A one-line progress bar on stderr for transfers (bytes, percent, rate), redrawn at most every 200 ms and
 * only when stderr is a terminal, so scripts and logs get no control characters.
 */
final class Progress {
    static final Duration REDRAW = Duration.ofMillis(200);
    private final PrintStream err;
    private final Clock clock;
    private final boolean enabled;
    private String name = "";
    private long total;
    private long done;
    private Instant started;
    private Instant drawn;
    /** A progress line is on the screen without its newline yet. */
    private boolean open;

    Progress(PrintStream err, Clock clock, boolean enabled) {
        this.err = err;
        this.clock = clock;
        this.enabled = enabled;
    }

    static Progress forTerminal(CliEnvironment env) {
        return new Progress(env.err(), env.clock(), env.err() == System.err && System.console() != null);
    }

    void start(String fileName, long size) {
        name = Printable.escape(fileName); // a machine's file name must not drive the terminal
        total = size;
        done = 0;
        started = clock.instant();
        drawn = started;
    }

    synchronized void advance(long bytes) {
        done += bytes;
        Instant now = clock.instant();
        if (enabled && Duration.between(drawn, now).compareTo(REDRAW) >= 0) {
            drawn = now;
            err.print("\r" + line(now) + "\033[K");
            err.flush();
            open = true;
        }
    }

    synchronized void finish() {
        if (enabled && Duration.between(started, clock.instant()).compareTo(REDRAW) >= 0) {
            err.println("\r" + line(clock.instant()) + "\033[K");
        }
        open = false;
    }

    /** An error or Ctrl-C ended the transfer: the line drawn so far gets its newline, so the next text starts clean. */
    synchronized void interrupted() {
        if (open) {
            err.println();
            err.flush();
        }
        open = false;
    }

    String line(Instant now) {
        double seconds = Math.max(0.001, Duration.between(started, now).toMillis() / 1000.0);
        String pct = total > 0 ? String.format("%3d%%", Math.min(100, done * 100 / total)) : "  ?%";
        return name + "  " + bytes(done) + "  " + pct + "  " + bytes((long) (done / seconds)) + "/s";
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
