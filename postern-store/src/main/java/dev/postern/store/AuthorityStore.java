package dev.postern.store;

import java.util.List;
import java.util.Optional;

/** The per-org CA key material (sealed). */
public interface AuthorityStore {
    /** Inserts or replaces the org's CA pair. */
    void put(OrgAuthority authority);

    Optional<OrgAuthority> forOrg(long orgId);

    /** Every org's CA, by org id (the gateway maps a certificate's signing key to its org with it). */
    List<OrgAuthority> all();
}
