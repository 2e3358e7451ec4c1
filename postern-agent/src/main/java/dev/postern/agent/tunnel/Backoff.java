package dev.postern.agent.tunnel;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Exponential backoff with jitter for reconnecting: attempt n waits a random time in [d/2, d] where
 * d = min(max, initial * 2^n). The jitter keeps a fleet of agents from reconnecting in lockstep after a gateway
 * restart.
 *
 * @param initial delay before the first retry
 * @param max the cap on any delay
 */
public record Backoff(Duration initial, Duration max) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("backoff initial delay is " + initial + "; it must be positive");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff max " + max + " is below the initial delay " + initial);
        }
    }

    /** The delay before retry number {@code attempt} (0-based). */
    Duration delay(int attempt, Random random) {
        long cap = max.toMillis();
        long d = initial.toMillis();
        for (int i = 0; i < attempt && d < cap; i++) {
            d = Math.min(cap, d * 2);
        }
        long half = d / 2;
        return Duration.ofMillis(half + (long) (random.nextDouble() * (d - half + 1)));
    }
}
