package dev.postern.server;

import dev.postern.store.StoreConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The two real databases a server test runs on: embedded H2 in the data dir (null URL), or PostgreSQL
 * (env {@code POSTERN_TEST_PG_URL}) in a schema of its own, dropped by {@link #close}.
 */
final class Databases implements AutoCloseable {
    static final String PG_URL = System.getenv().getOrDefault("POSTERN_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private final String schema;

    private Databases(String schema) {
        this.schema = schema;
    }

    /** {@code h2} or {@code pg}. */
    static Databases of(String kind) {
        if (kind.equals("h2")) {
            return new Databases(null);
        }
        String schema = "postern_srv_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        return new Databases(schema);
    }

    /** The --db URL, or null for the embedded H2. */
    String jdbcUrl() {
        return schema == null ? null : PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void close() {
        if (schema != null) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static void execute(String sql) {
        StoreConfig admin = StoreConfig.parse(PG_URL);
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + admin.redactedUrl() + ": " + e.getMessage(), e);
        }
    }
}
