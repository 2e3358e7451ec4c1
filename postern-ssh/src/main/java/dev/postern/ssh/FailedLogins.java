package dev.postern.ssh;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The recent failed logins of each source address, enough to tell whether it reached the limit within the window.
 * Keeps at most {@code max} instants per address, and forgets addresses whose failures all aged out. Not
 * thread-safe: {@link PreAuthGuard} calls it under its lock.
 */
final class FailedLogins {
    /** Past this many tracked addresses, a record sweeps out those with no recent failure. */
    private static final int SWEEP_ABOVE = 4096;
    private final int max;
    private final Duration window;
    private final Map<InetAddress, Deque<Instant>> bySource = new HashMap<>();

    FailedLogins(int max, Duration window) {
        this.max = max;
        this.window = window;
    }

    /** Records a failure; true when it brings {@code source} to the limit. */
    boolean record(InetAddress source, Instant now) {
        if (bySource.size() > SWEEP_ABOVE) {
            sweep(now);
        }
        Deque<Instant> recent = bySource.computeIfAbsent(source, k -> new ArrayDeque<>());
        expire(recent, now);
        recent.addLast(now);
        if (recent.size() > max) {
            recent.removeFirst();
        }
        return recent.size() == max;
    }

    /** Whether {@code source} failed {@code max} times within the window before {@code now}. */
    boolean blocked(InetAddress source, Instant now) {
        Deque<Instant> recent = bySource.get(source);
        if (recent == null) {
            return false;
        }
        expire(recent, now);
        if (recent.isEmpty()) {
            bySource.remove(source);
        }
        return recent.size() >= max;
    }

    private void expire(Deque<Instant> recent, Instant now) {
        Instant oldest = now.minus(window);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(oldest)) {
            recent.removeFirst();
        }
    }

    private void sweep(Instant now) {
        for (Iterator<Deque<Instant>> it = bySource.values().iterator(); it.hasNext(); ) {
            Deque<Instant> recent = it.next();
            expire(recent, now);
            if (recent.isEmpty()) {
                it.remove();
            }
        }
    }
}
