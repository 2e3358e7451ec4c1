package dev.postern.store;

import java.util.List;

/** Append-only audit trail. */
public interface AuditStore {
    /** Appends an event (its id is ignored) and returns it with the id the store assigned. */
    AuditEvent append(AuditEvent event);

    /** The newest {@code limit} events, newest first; {@code org} null means all orgs. */
    List<AuditEvent> list(String org, int limit);
}
