package dev.postern.store;

import dev.postern.common.Role;
import java.time.Instant;
import java.util.Objects;

/**
 * A person's membership of an org; {@code email} is denormalised for listings.
 *
 * @param login the login (Unix account) the org gave the person, unique in the org; null until one is assigned
 */
public record Membership(long orgId, long personId, String email, Role role, String login, Instant createdAt) {
    public Membership {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
