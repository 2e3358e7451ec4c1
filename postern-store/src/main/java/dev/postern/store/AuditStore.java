package dev.postern.store;

import java.util.List;

/** Append-only audit trail. */
public interface AuditStore {
    /** Appends an event (its id is ignored) and returns it with the id the store assigned. */
    AuditEvent append(AuditEvent event);

    /**
     * Appends several events in this order, as {@link #append} does each (one batch on JDBC), without handing
     * back their ids. Inside {@link Store#inTransaction} they are appended all or none.
     */
    default void appendAll(List<AuditEvent> events) {
        for (AuditEvent e : List.copyOf(events)) {
            append(e);
        }
    }

    /** The newest {@code limit} events, newest first; {@code org} null means all orgs. */
    List<AuditEvent> list(String org, int limit);
}
