package dev.postern.agent.tunnel;

import java.time.Duration;

/** Waits between reconnect attempts; tests substitute one that returns at once or records the delays. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
