package dev.postern.agent.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per session start and end to the SLF4J logger {@value #LOGGER}; route that logger
 * wherever the machine's logs go. Lines carry who (key id, serial, principal, source address), what
 * (command or "shell") and how it ended, never key material.
 */
public final class AuditLog {
    static final String LOGGER = "postern.audit";

    private final Logger log;

    public AuditLog() {
        this(LoggerFactory.getLogger(LOGGER));
    }

    AuditLog(Logger log) {
        this.log = log;
    }

    public void write(AuditRecord record) {
        log.info(record.toJson());
    }
}
