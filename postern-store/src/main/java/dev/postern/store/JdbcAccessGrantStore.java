package dev.postern.store;

import dev.postern.common.Logins;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Access grants in table {@code access_grants}, unique by (app, person). */
final class JdbcAccessGrantStore implements AccessGrantStore {
    private static final String SELECT = "SELECT g.org_id, g.app_id, a.name AS app, g.person_id, p.email, g.logins,"
            + " g.granted_by, g.granted_at FROM access_grants g JOIN apps a ON a.id = g.app_id"
            + " JOIN people p ON p.id = g.person_id";
    private static final String UPDATE = "UPDATE access_grants SET logins = ?, granted_by = ?, granted_at = ?"
            + " WHERE app_id = ? AND person_id = ?";
    private static final String INSERT = "INSERT INTO access_grants (org_id, app_id, person_id, logins, granted_by,"
            + " granted_at) VALUES (?, ?, ?, ?, ?, ?)";

    private final Connections db;

    JdbcAccessGrantStore(Connections db) {
        this.db = db;
    }

    @Override
    public AccessGrant put(long orgId, long appId, long personId, List<String> logins, String grantedBy, Instant at) {
        Objects.requireNonNull(grantedBy, "grantedBy");
        Objects.requireNonNull(at, "at");
        if (logins == null || logins.isEmpty()) {
            throw new IllegalArgumentException("a grant needs at least one login");
        }
        for (String l : logins) {
            Logins.checkPersonal(l); // the database never holds root or a system account as a member's login
        }
        String joined = Columns.joinPrincipals(logins);
        db.with("grant person " + personId + " access to app " + appId, c -> {
            int n = Connections.executeUpdate(c, UPDATE, ps -> {
                ps.setString(1, joined);
                ps.setString(2, grantedBy);
                Columns.setInstant(ps, 3, at);
                ps.setLong(4, appId);
                ps.setLong(5, personId);
            });
            if (n == 0) {
                Connections.unique(c, db.transactional(), "person " + personId + " already has a grant on app "
                        + appId + "; try again", conn -> Connections.executeUpdate(conn, INSERT, ps -> {
                            ps.setLong(1, orgId);
                            ps.setLong(2, appId);
                            ps.setLong(3, personId);
                            ps.setString(4, joined);
                            ps.setString(5, grantedBy);
                            Columns.setInstant(ps, 6, at);
                        }));
            }
            return null;
        });
        return find(appId, personId).orElseThrow();
    }

    @Override
    public boolean revoke(long appId, long personId) {
        return db.update("revoke person " + personId + "'s access to app " + appId,
                "DELETE FROM access_grants WHERE app_id = ? AND person_id = ?", ps -> {
                    ps.setLong(1, appId);
                    ps.setLong(2, personId);
                }) > 0;
    }

    @Override
    public int revokeAll(long orgId, long personId) {
        return db.update("revoke person " + personId + "'s grants in org " + orgId,
                "DELETE FROM access_grants WHERE org_id = ? AND person_id = ?", ps -> {
                    ps.setLong(1, orgId);
                    ps.setLong(2, personId);
                });
    }

    @Override
    public Optional<AccessGrant> find(long appId, long personId) {
        return db.one("look up person " + personId + "'s grant on app " + appId,
                SELECT + " WHERE g.app_id = ? AND g.person_id = ?", ps -> {
                    ps.setLong(1, appId);
                    ps.setLong(2, personId);
                }, JdbcAccessGrantStore::row);
    }

    @Override
    public Optional<List<String>> lockLogins(long appId, long personId) {
        return db.one("lock person " + personId + "'s grant on app " + appId,
                "SELECT logins FROM access_grants WHERE app_id = ? AND person_id = ? FOR UPDATE", ps -> {
                    ps.setLong(1, appId);
                    ps.setLong(2, personId);
                }, rs -> Columns.splitPrincipals(rs.getString("logins")));
    }

    @Override
    public List<AccessGrant> forOrg(long orgId) {
        return db.list("list the access grants of org " + orgId, SELECT + " WHERE g.org_id = ? ORDER BY a.name,"
                + " p.email", ps -> ps.setLong(1, orgId), JdbcAccessGrantStore::row);
    }

    private static AccessGrant row(ResultSet rs) throws SQLException {
        return new AccessGrant(rs.getLong("org_id"), rs.getLong("app_id"), rs.getString("app"),
                rs.getLong("person_id"), rs.getString("email"), Columns.splitPrincipals(rs.getString("logins")),
                rs.getString("granted_by"), Columns.instant(rs, "granted_at"));
    }
}
