package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/** An application within an org; machines join apps. Names are unique per org. */
public record App(long id, long orgId, String name, Instant createdAt) {
    public App {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
