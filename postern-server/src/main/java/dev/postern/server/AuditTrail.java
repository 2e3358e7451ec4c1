package dev.postern.server;

import dev.postern.store.AuditEvent;
import dev.postern.store.Store;
import java.time.Clock;

/** Writes audit records: who did what to what, when and from where. Never secrets. */
final class AuditTrail {
    private final Clock clock;

    AuditTrail(Clock clock) {
        this.clock = clock;
    }

    /** Appends within the caller's transaction ({@code store} may be a transactional view). */
    void record(Store store, Caller caller, String org, String action, String target, String detail) {
        record(store, caller, caller.email(), org, action, target, detail);
    }

    /** The event {@link #record} would append, for the caller to write later (in a batch). */
    AuditEvent event(Caller caller, String org, String action, String target, String detail) {
        return new AuditEvent(0, clock.instant(), caller.email(), org, action, target, caller.source(), detail);
    }

    /** As {@link #record} for an actor that is not a person (a machine), named by {@code actor}. */
    void record(Store store, Caller caller, String actor, String org, String action, String target, String detail) {
        store.audit().append(new AuditEvent(0, clock.instant(), actor, org, action, target, caller.source(), detail));
    }
}
