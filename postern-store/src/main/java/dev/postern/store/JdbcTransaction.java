package dev.postern.store;

import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link Store} handed to {@link Store#inTransaction} work: every sub-store call runs on the
 * transaction's one connection. A nested {@code inTransaction} joins the running transaction.
 */
final class JdbcTransaction implements Store {
    private final JdbcStore parent;
    private final SubStores stores;

    JdbcTransaction(JdbcStore parent, TransactionConnections connection) {
        this.parent = parent;
        this.stores = new SubStores(connection);
    }

    @Override
    public PersonStore people() {
        return stores.people;
    }

    @Override
    public TokenStore tokens() {
        return stores.tokens;
    }

    @Override
    public OrgStore orgs() {
        return stores.orgs;
    }

    @Override
    public AppStore apps() {
        return stores.apps;
    }

    @Override
    public SecretStore secrets() {
        return stores.secrets;
    }

    @Override
    public AuthorityStore authorities() {
        return stores.authorities;
    }

    @Override
    public CertificateStore certificates() {
        return stores.certificates;
    }

    @Override
    public AuditStore audit() {
        return stores.audit;
    }

    @Override
    public SettingStore settings() {
        return stores.settings;
    }

    @Override
    public MachineStore machines() {
        return stores.machines;
    }

    @Override
    public JoinTokenStore joinTokens() {
        return stores.joinTokens;
    }

    @Override
    public AccessGrantStore accessGrants() {
        return stores.accessGrants;
    }

    @Override
    public Optional<CallerInOrg> callerInOrg(String tokenHash, String orgName) {
        return stores.callers.find(tokenHash, orgName);
    }

    @Override
    public <T> T inTransaction(Function<Store, T> work) {
        return work.apply(this);
    }

    @Override
    public boolean ping() {
        return parent.ping();
    }

    /** Does nothing: the transaction ends when its work returns, and the pool belongs to the outer store. */
    @Override
    public void close() {
        // nothing to release here
    }
}
