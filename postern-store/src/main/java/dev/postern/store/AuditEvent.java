package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One audit record: who did what to what, when and from where.
 *
 * @param id assigned by the store on append (pass 0)
 * @param org the org name the action concerns, or null for global actions
 * @param source the client address the request came from
 * @param detail free text; never secrets or key material
 */
public record AuditEvent(long id, Instant at, String actor, String org, String action, String target,
                         String source, String detail) {
    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
    }
}
