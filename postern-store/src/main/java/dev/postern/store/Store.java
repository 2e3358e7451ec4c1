package dev.postern.store;

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

    AuthorityStore authorities();

    CertificateStore certificates();

    AuditStore audit();

    SettingStore settings();

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
