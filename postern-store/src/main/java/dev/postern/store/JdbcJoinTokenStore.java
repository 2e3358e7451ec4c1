package dev.postern.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Join tokens in table {@code join_tokens}, by public id. */
final class JdbcJoinTokenStore implements JoinTokenStore {
    private static final String COLUMNS = "id, hash, org_id, app_id, uses_left, expires_at, created_by, created_at,"
            + " revoked_at, revoked_by";
    private static final String FOR_APP = "SELECT " + COLUMNS + " FROM join_tokens WHERE app_id = ? ORDER BY id DESC";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM join_tokens WHERE id = ?";
    private static final String BY_HASH = "SELECT " + COLUMNS + " FROM join_tokens WHERE hash = ?";
    private static final String REVOKE = "UPDATE join_tokens SET revoked_at = ?, revoked_by = ?"
            + " WHERE id = ? AND revoked_at IS NULL";
    private static final String ACTIVE_BY = "SELECT " + COLUMNS + " FROM join_tokens WHERE org_id = ?"
            + " AND created_by = ? AND revoked_at IS NULL AND uses_left > 0 AND expires_at > ? ORDER BY id";

    private final Connections db;

    JdbcJoinTokenStore(Connections db) {
        this.db = db;
    }

    @Override
    public List<JoinTokenEntry> forApp(long appId) {
        return db.list("list the join tokens of app " + appId, FOR_APP, ps -> ps.setLong(1, appId),
                JdbcJoinTokenStore::row);
    }

    @Override
    public Optional<JoinTokenEntry> byId(long id) {
        return db.one("look up join token " + id, BY_ID, ps -> ps.setLong(1, id), JdbcJoinTokenStore::row);
    }

    @Override
    public Optional<JoinTokenEntry> byHash(String hash) {
        Objects.requireNonNull(hash, "hash");
        return db.one("look up a join token", BY_HASH, ps -> ps.setString(1, hash), JdbcJoinTokenStore::row);
    }

    @Override
    public boolean revoke(long id, Instant at, String by) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        return db.update("revoke join token " + id, REVOKE, ps -> {
            Columns.setInstant(ps, 1, at);
            ps.setString(2, by);
            ps.setLong(3, id);
        }) == 1;
    }

    @Override
    public List<JoinTokenEntry> activeCreatedBy(long orgId, String email, Instant now) {
        String normal = Columns.email(Objects.requireNonNull(email, "email"));
        return db.list("list join tokens created by '" + normal + "'", ACTIVE_BY, ps -> {
            ps.setLong(1, orgId);
            ps.setString(2, normal);
            Columns.setInstant(ps, 3, now);
        }, JdbcJoinTokenStore::row);
    }

    private static JoinTokenEntry row(ResultSet rs) throws SQLException {
        JoinToken token = new JoinToken(rs.getString("hash"), rs.getLong("org_id"), rs.getLong("app_id"),
                rs.getInt("uses_left"), Columns.instant(rs, "expires_at"), rs.getString("created_by"),
                Columns.instant(rs, "created_at"));
        return new JoinTokenEntry(rs.getLong("id"), token, Columns.instant(rs, "revoked_at"),
                rs.getString("revoked_by"));
    }
}
