package dev.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Access grants: which member may reach which app as which logins. One grant per (app, person); granting again
 * replaces the logins. Every login stored is valid and not reserved ({@link dev.postern.common.Logins}).
 */
public interface AccessGrantStore {
    /**
     * Creates or replaces the grant of {@code personId} on {@code appId}.
     *
     * @throws IllegalArgumentException when {@code logins} is empty or holds an invalid or reserved name
     */
    AccessGrant put(long orgId, long appId, long personId, List<String> logins, String grantedBy, Instant at);

    /** Removes the grant; false when there was none. */
    boolean revoke(long appId, long personId);

    /** Removes every grant {@code personId} holds in {@code orgId} (member removal); how many there were. */
    int revokeAll(long orgId, long personId);

    /** The grant of {@code personId} on {@code appId}, if any. */
    Optional<AccessGrant> find(long appId, long personId);

    /**
     * The logins of {@code personId}'s grant on {@code appId}, locking the row until the transaction ends (empty:
     * no grant). Issuing takes this lock at commit, so a revocation either waits for the certificate to be written
     * (and then revokes it) or is seen (and the certificate is refused).
     */
    Optional<List<String>> lockLogins(long appId, long personId);

    /** Grants of an org ordered by app name, then e-mail. */
    List<AccessGrant> forOrg(long orgId);
}
