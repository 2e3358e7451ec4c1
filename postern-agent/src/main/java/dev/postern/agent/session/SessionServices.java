package dev.postern.agent.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every session shares: the I/O reactor, the user directory, the entrypoint's environment, the audit
 * log, the clock, how long a hung-up session may take to die before it is killed, and the sessions a stopping
 * agent must end.
 */
record SessionServices(Reactor reactor, UserDirectory users, Supplier<Map<String, String>> environment,
                       AuditLog audit, Clock clock, Duration killGrace, SessionChildren children) {
    /** The entrypoint's environment now (it changes when the app's secrets are deployed). */
    Map<String, String> baseEnv() {
        return environment.get();
    }
}
