package dev.postern.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Apps in table {@code apps}, unique by (org, name). */
final class JdbcAppStore implements AppStore {
    private static final String INSERT = "INSERT INTO apps (org_id, name, created_at) VALUES (?, ?, ?)";
    private static final String BY_NAME = "SELECT id, org_id, name, created_at FROM apps WHERE org_id = ? AND name = ?";
    private static final String FOR_ORG = "SELECT id, org_id, name, created_at FROM apps WHERE org_id = ? ORDER BY name";

    private static final String DELETE = "DELETE FROM apps WHERE id = ?";
    private static final java.util.List<String> DELETE_SECRETS = java.util.List.of(
            "DELETE FROM app_secrets WHERE app_id = ?", "DELETE FROM app_secret_versions WHERE app_id = ?");

    private final Connections db;

    JdbcAppStore(Connections db) {
        this.db = db;
    }

    @Override
    public App create(long orgId, String name, Instant at) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(at, "at");
        long id = db.with("create app '" + name + "' in org " + orgId,
                c -> Connections.unique(c, db.transactional(), "app '" + name + "' already exists in org " + orgId,
                        conn -> Connections.insertReturningId(conn, INSERT, ps -> {
                            ps.setLong(1, orgId);
                            ps.setString(2, name);
                            Columns.setInstant(ps, 3, at);
                        })));
        return new App(id, orgId, name, Columns.stored(at));
    }

    @Override
    public Optional<App> byName(long orgId, String name) {
        Objects.requireNonNull(name, "name");
        return db.one("look up app '" + name + "' in org " + orgId, BY_NAME, ps -> {
            ps.setLong(1, orgId);
            ps.setString(2, name);
        }, JdbcAppStore::row);
    }

    @Override
    public List<App> forOrg(long orgId) {
        return db.list("list the apps of org " + orgId, FOR_ORG, ps -> ps.setLong(1, orgId), JdbcAppStore::row);
    }

    private static App row(ResultSet rs) throws SQLException {
        return new App(rs.getLong("id"), rs.getLong("org_id"), rs.getString("name"), Columns.instant(rs, "created_at"));
    }

    @Override
    public boolean delete(long appId) {
        // who may reach the app, and its secrets, go with it: a new app of the same name starts with neither
        return db.with("delete app " + appId, c -> {
            Connections.executeUpdate(c, "DELETE FROM access_grants WHERE app_id = ?", ps -> ps.setLong(1, appId));
            for (String sql : DELETE_SECRETS) {
                Connections.executeUpdate(c, sql, ps -> ps.setLong(1, appId));
            }
            return Connections.executeUpdate(c, DELETE, ps -> ps.setLong(1, appId));
        }) == 1;
    }
}
