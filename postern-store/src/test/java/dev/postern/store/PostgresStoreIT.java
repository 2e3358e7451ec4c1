package dev.postern.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The store contract against the real PostgreSQL that CI provides (env {@code POSTERN_TEST_PG_URL}). Each
 * test gets its own schema with a random name, so parallel runs on one server do not collide. When the
 * server is unreachable these tests fail rather than skip: CI promises it is there.
 */
class PostgresStoreIT extends StoreContractTest {
    static final String BASE_URL = System.getenv().getOrDefault("POSTERN_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private String schema;

    @Override
    protected void createDatabase() throws SQLException {
        schema = "postern_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
    }

    @Override
    protected Store openStore() {
        String url = BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return JdbcStore.open(StoreConfig.parse(url).withMaxPoolSize(4));
    }

    @Override
    protected void dropDatabase() throws SQLException {
        if (schema != null) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static void execute(String sql) throws SQLException {
        StoreConfig admin = StoreConfig.parse(BASE_URL);
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
