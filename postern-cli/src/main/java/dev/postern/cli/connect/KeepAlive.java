package dev.postern.cli.connect;

import java.time.Duration;
import java.util.Objects;

/**
 * Client keepalives on both hops of a {@link MachineConnection}, OpenSSH's {@code ServerAliveInterval} and
 * {@code ServerAliveCountMax}: every {@code interval} a {@code keepalive@openssh.com} request that wants a reply;
 * when {@code maxMissed} in a row go unanswered the connection ends. They keep an idle connection (a proxy with
 * no clients, a console nobody types in) from being cut by an idle timeout at the gateway or the agent, and end a
 * dead one (its network gone without a TCP reset) within about {@code interval * (maxMissed + 1)}.
 *
 * @param interval time between keepalive requests, 1 s .. 10 min
 * @param maxMissed unanswered requests in a row before the connection is ended, 1 .. 100
 */
public record KeepAlive(Duration interval, int maxMissed) {
    /** 15 s and 3 missed, as the agent's tunnel: a dead connection ends within about a minute. */
    public static final KeepAlive DEFAULT = new KeepAlive(Duration.ofSeconds(15), 3);

    public KeepAlive {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("keepalive interval is " + interval + "; use 1s..10m (default 15s)");
        }
        if (maxMissed < 1 || maxMissed > 100) {
            throw new IllegalArgumentException("keepalive maxMissed is " + maxMissed + "; use 1..100 (default 3)");
        }
    }
}
