package dev.postern.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} on JDBC: embedded H2 or PostgreSQL behind a HikariCP pool, schema kept current by
 * Flyway migrations ({@code db/migration}) that run unchanged on both.
 *
 * <pre>{@code
 * try (JdbcStore store = JdbcStore.open(StoreConfig.h2(dataDir))) {
 *     Person alice = store.people().getOrCreate("alice@example.com", clock.instant());
 * }
 * }</pre>
 *
 * <p>Outside {@link #inTransaction} each sub-store call is its own auto-committed statement (or short
 * sequence of them, such as lookup-then-insert in {@code getOrCreate}). A {@link ConflictException} inside
 * a transaction leaves the transaction usable: conflicting inserts run under a savepoint. Instants are
 * kept to the microsecond (truncated), e-mails lower-case, serials come from a database sequence.
 */
public final class JdbcStore implements Store {
    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);
    /** How long opening waits for the database, and callers wait for a pooled connection. */
    private static final long CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int PING_TIMEOUT_SECONDS = 1;

    private final StoreConfig config;
    private final HikariDataSource pool;
    private final SubStores stores;
    private final ExecutorService pinger;

    private JdbcStore(StoreConfig config, HikariDataSource pool) {
        this.config = config;
        this.pool = pool;
        this.stores = new SubStores(new PooledConnections(pool));
        this.pinger = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "postern-store-ping");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects, migrates the schema to the current version and returns the open store. Fails within a few
     * seconds, with a {@link StoreException} naming the URL (never the password) and the fix, when the
     * database cannot be reached or migrated.
     */
    public static JdbcStore open(StoreConfig config) {
        Objects.requireNonNull(config, "config");
        HikariDataSource pool = connect(config);
        try {
            migrate(config, pool);
            config.h2FileBase().ifPresent(H2Files::restrict);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        log.info("store open at {}", config.redactedUrl());
        return new JdbcStore(config, pool);
    }

    private static HikariDataSource connect(StoreConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("postern-store");
        hc.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        hc.setMaximumPoolSize(config.maxPoolSize());
        hc.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
        hc.setValidationTimeout(1_000);
        // try once at start-up and fail then, rather than hand out a pool that cannot connect
        hc.setInitializationFailTimeout(1);
        if (!config.isH2()) {
            // seconds; the driver's default of 10 s per attempt would make a dead host slow to report.
            // Parameters given in the URL win over these.
            hc.addDataSourceProperty("connectTimeout", "5");
            hc.addDataSourceProperty("loginTimeout", "5");
            hc.addDataSourceProperty("ApplicationName", "postern");
        }
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the database at " + config.redactedUrl() + ": "
                    + rootMessage(e) + "; check that it is running and reachable with these credentials, or "
                    + StoreConfig.FIX, e);
        }
    }

    private static void migrate(StoreConfig config, HikariDataSource pool) {
        try {
            Flyway.configure(JdbcStore.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot bring the schema of the database at " + config.redactedUrl()
                    + " up to date: " + rootMessage(e) + "; check that the user may create tables there", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The configuration this store was opened with. */
    public StoreConfig config() {
        return config;
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
        Objects.requireNonNull(work, "work");
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            throw Connections.failure("begin a transaction", e);
        }
        TransactionConnections tx = new TransactionConnections(c);
        try (c) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.apply(new JdbcTransaction(this, tx));
            } catch (RuntimeException | Error e) {
                rollback(c, e);
                throw e;
            }
            c.commit();
            return result;
        } catch (SQLException e) {
            // commit (or setting up) failed; the pool rolls back whatever is left when the connection returns
            throw Connections.failure("commit a transaction", e);
        } finally {
            tx.end();
        }
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public boolean ping() {
        if (pool.isClosed()) {
            return false;
        }
        // A separate thread bounds the whole check, including the wait for a pooled connection, which
        // the query timeout alone does not cover.
        Future<Boolean> answer = pinger.submit(() -> {
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                ps.setQueryTimeout(PING_TIMEOUT_SECONDS);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getInt(1) == 1;
                }
            }
        });
        try {
            return answer.get(PING_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            return false;
        } catch (Exception e) {
            answer.cancel(true);
            log.debug("store ping failed", e);
            return false;
        }
    }

    @Override
    public void close() {
        pinger.shutdownNow();
        pool.close();
    }

    @Override
    public String toString() {
        return "JdbcStore[" + config.redactedUrl() + "]";
    }
}
