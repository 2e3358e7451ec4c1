package dev.postern.bench;

import java.time.Duration;

/** A point in time (System.nanoTime) that loops check, so every loop is bounded in time as well as count. */
record Deadline(long nanos) {
    static Deadline in(Duration d) {
        return new Deadline(System.nanoTime() + d.toNanos());
    }

    boolean passed() {
        return System.nanoTime() >= nanos;
    }

    Duration left() {
        return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
    }

    /** The earlier of this and {@code d} from now. */
    Deadline within(Duration d) {
        return new Deadline(Math.min(nanos, System.nanoTime() + d.toNanos()));
    }
}
