package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/** An organization: the unit of tenancy that owns a CA, apps and members. */
public record Org(long id, String name, Instant createdAt) {
    public Org {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
