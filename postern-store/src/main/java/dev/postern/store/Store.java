package dev.postern.store;

import java.util.Optional;
import java.util.function.Function;

/**
 * The control plane's persistent state. One implementation ({@code JdbcStore}) serves embedded H2 and
 * PostgreSQL.
 *
 * <pre>{@code
 * try (Store store = JdbcStore.open(StoreConfig.h2(dataDir))) {
 *     Org org = store.inTransaction(tx -> tx.orgs().create("acme", clock.instant()));
 * }
 * }</pre>
 */
public interface Store extends AutoCloseable {
    PersonStore people();

    TokenStore tokens();

    OrgStore orgs();

    AppStore apps();

    /** Sealed, versioned secrets per app. */
    SecretStore secrets();

    AuthorityStore authorities();

    CertificateStore certificates();

    AuditStore audit();

    SettingStore settings();

    MachineStore machines();

    /** Join tokens by public id: listing and revoking them. */
    JoinTokenStore joinTokens();

    /** Which members may reach which apps as which logins. */
    AccessGrantStore accessGrants();

    /**
     * The token of this hash with its person, the org named {@code orgName}, the person's membership of it and
     * the org's CA stamp, read at once (one query on JDBC) for requests that need them all, such as issuing a
     * certificate; empty when no token has this hash. Always read from the database, never cached, so a
     * logout, a member removal or a new CA counts from the next request on, whichever replica made it.
     */
    default Optional<CallerInOrg> callerInOrg(String tokenHash, String orgName) {
        Optional<ApiToken> token = tokens().byHash(tokenHash);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        Person person = people().byId(token.get().personId()).orElse(null);
        Org org = orgs().byName(orgName).orElse(null);
        Membership membership = org == null || person == null ? null
                : orgs().membership(org.id(), person.id()).orElse(null);
        OrgAuthority ca = org == null ? null : authorities().forOrg(org.id()).orElse(null);
        return Optional.of(new CallerInOrg(token.get(), person, org, membership,
                ca == null ? null : ca.createdAt(), ca == null ? null : ca.userCaPublicKey()));
    }

    /**
     * Runs {@code work} in one database transaction: committed when it returns, rolled back (nothing
     * changed) when it throws. The store passed to {@code work} is only valid inside the call; calling
     * {@code inTransaction} on it joins the running transaction. A {@link ConflictException} thrown inside
     * may be caught by {@code work}, and the transaction stays usable.
     */
    <T> T inTransaction(Function<Store, T> work);

    /** True when the database answers a trivial query within a second; false, never an exception, otherwise. */
    boolean ping();

    @Override
    void close();
}
