package dev.postern.store;

import java.util.Optional;

/** The per-org CA key material (sealed). */
public interface AuthorityStore {
    /** Inserts or replaces the org's CA pair. */
    void put(OrgAuthority authority);

    Optional<OrgAuthority> forOrg(long orgId);
}
