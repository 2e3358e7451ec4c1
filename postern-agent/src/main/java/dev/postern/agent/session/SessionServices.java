package dev.postern.agent.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What every session shares: the I/O reactor, the user directory, the entrypoint's environment, the audit
 * log, the clock and how long a hung-up session may take to die before it is killed.
 */
record SessionServices(Reactor reactor, UserDirectory users, Map<String, String> baseEnv, AuditLog audit,
                       Clock clock, Duration killGrace) {
    SessionServices {
        baseEnv = Map.copyOf(baseEnv);
    }
}
