package dev.postern.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-connection limits that {@link ServerSetup} puts on a server.
 *
 * @param maxAuthRequests user-auth requests per connection before it is closed; every request counts,
 *     including "none" and each key query, and OpenSSH spends about three per certificate tried
 * @param maxChannelsPerConnection concurrently open channels (sessions, forwards) per connection
 * @param authTimeout time from connect to successful authentication (OpenSSH's LoginGraceTime)
 * @param idleTimeout an authenticated connection with no traffic for this long is closed; zero disables
 */
public record ServerLimits(int maxAuthRequests, int maxChannelsPerConnection, Duration authTimeout,
                           Duration idleTimeout) {
    public ServerLimits {
        if (maxAuthRequests < 1 || maxAuthRequests > 100) {
            throw new IllegalArgumentException("maxAuthRequests is " + maxAuthRequests + "; use 1..100 (default 10)");
        }
        if (maxChannelsPerConnection < 1) {
            throw new IllegalArgumentException("maxChannelsPerConnection is " + maxChannelsPerConnection
                    + "; it must be at least 1 (default 10)");
        }
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (authTimeout.isZero() || authTimeout.isNegative()) {
            throw new IllegalArgumentException("authTimeout is " + authTimeout + "; it must be positive (default 30s)");
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout is " + idleTimeout + "; use zero to disable it");
        }
    }

    /** 10 auth requests, 10 channels, 30 s to authenticate, 1 h idle. */
    public static ServerLimits defaults() {
        return new ServerLimits(10, 10, Duration.ofSeconds(30), Duration.ofHours(1));
    }
}
