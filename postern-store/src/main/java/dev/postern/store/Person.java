package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/** A person known to the control plane, identified by e-mail address. */
public record Person(long id, String email, Instant createdAt) {
    public Person {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
