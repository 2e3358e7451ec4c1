package dev.postern.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on connections that have not logged in yet, per source address and in total, that
 * {@link ServerSetup#guardPreAuth} puts on a server. Authenticated connections are not counted. The time to log
 * in is {@link ServerLimits#authTimeout()}.
 *
 * <pre>{@code
 * PreAuthLimits limits = PreAuthLimits.defaults();   // 20 failed logins a minute, 64 per source, 1024 in all
 * }</pre>
 *
 * @param maxFailuresPerSource failed logins from one address within {@code failureWindow} after which further
 *     connections from it are refused until the oldest of those failures is {@code failureWindow} old. A failed
 *     login is a connection that finished the key exchange and closed without logging in.
 * @param failureWindow how far back failed logins count
 * @param maxUnauthenticatedPerSource connections from one address that have not logged in yet
 * @param maxUnauthenticated connections from all addresses that have not logged in yet
 */
public record PreAuthLimits(int maxFailuresPerSource, Duration failureWindow, int maxUnauthenticatedPerSource,
                            int maxUnauthenticated) {
    public PreAuthLimits {
        Objects.requireNonNull(failureWindow, "failureWindow");
        if (maxFailuresPerSource < 1) {
            throw new IllegalArgumentException("maxFailuresPerSource is " + maxFailuresPerSource
                    + "; it must be at least 1 (default 20)");
        }
        if (failureWindow.isNegative() || failureWindow.isZero() || failureWindow.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("failureWindow is " + failureWindow + "; use 1s..1d (default 1m)");
        }
        if (maxUnauthenticatedPerSource < 1) {
            throw new IllegalArgumentException("maxUnauthenticatedPerSource is " + maxUnauthenticatedPerSource
                    + "; it must be at least 1 (default 64)");
        }
        if (maxUnauthenticated < maxUnauthenticatedPerSource) {
            throw new IllegalArgumentException("maxUnauthenticated is " + maxUnauthenticated
                    + "; it must be at least maxUnauthenticatedPerSource (" + maxUnauthenticatedPerSource
                    + "; default 1024)");
        }
    }

    /** 20 failed logins a minute per source; 64 unauthenticated connections per source, 1024 in all. */
    public static PreAuthLimits defaults() {
        return new PreAuthLimits(20, Duration.ofMinutes(1), 64, 1024);
    }
}
