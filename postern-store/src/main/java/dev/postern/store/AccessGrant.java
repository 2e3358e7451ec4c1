package dev.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A member's right to SSH to the machines of one app as one of {@code logins}. Owners and admins need none.
 *
 * @param app   the app's name (denormalised for listings and checks)
 * @param email the member's e-mail (denormalised)
 */
public record AccessGrant(long orgId, long appId, String app, long personId, String email, List<String> logins,
                          String grantedBy, Instant grantedAt) {
    public AccessGrant {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(email, "email");
        logins = List.copyOf(logins);
        Objects.requireNonNull(grantedBy, "grantedBy");
        Objects.requireNonNull(grantedAt, "grantedAt");
    }
}
