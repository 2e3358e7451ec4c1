package dev.postern.store;

import java.util.List;
import java.util.Optional;

/** The per-org CA key material (sealed). */
public interface AuthorityStore {
    /**
     * Inserts or replaces the org's CA pair. A replaced pair's public keys are kept as a
     * {@link RetiredAuthority} (same transaction when called inside one), so they can be revoked for good.
     */
    void put(OrgAuthority authority);

    /** The org's retired CA public keys, oldest first. */
    List<RetiredAuthority> retired(long orgId);

    /**
     * Whether {@code publicKeyLine} ({@code "type base64"}, no comment) is a user or host CA key of any org,
     * current or retired.
     */
    boolean isCaKey(String publicKeyLine);

    Optional<OrgAuthority> forOrg(long orgId);

    /** Every org's CA, by org id (the gateway maps a certificate's signing key to its org with it). */
    List<OrgAuthority> all();
}
