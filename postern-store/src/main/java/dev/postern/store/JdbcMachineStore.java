package dev.postern.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Machines in table {@code machines}, join tokens in {@code join_tokens}. */
final class JdbcMachineStore implements MachineStore {
    private static final String INSERT_TOKEN = "INSERT INTO join_tokens (hash, org_id, app_id, uses_left, expires_at,"
            + " created_by, created_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, nextval('join_token_id_seq'))";
    private static final String TOKEN = "SELECT hash, org_id, app_id, uses_left, expires_at, created_by, created_at"
            + " FROM join_tokens WHERE hash = ?";
    // The guards make the decrement atomic: two machines racing for the last use cannot both win, and a
    // revocation committed before the decrement wins over it.
    private static final String CONSUME = "UPDATE join_tokens SET uses_left = uses_left - 1"
            + " WHERE hash = ? AND uses_left > 0 AND expires_at > ? AND revoked_at IS NULL";
    private static final String COLUMNS = "id, org_id, app_id, region, address, host_key_fingerprint, created_at,"
            + " last_seen, online, host_key, removed_at";
    private static final String INSERT = "INSERT INTO machines (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM machines WHERE id = ?";
    private static final String FOR_APP = "SELECT " + COLUMNS + " FROM machines WHERE app_id = ? ORDER BY id";
    private static final String NEXT_NUMBER = "SELECT nextval('machine_number_seq')";
    private static final String ALL_OFFLINE = "UPDATE machines SET online = FALSE, last_seen = ? WHERE online = TRUE";
    private static final String SET_ONLINE = "UPDATE machines SET online = ?, last_seen = ? WHERE id = ?";
    private static final String REMOVE = "UPDATE machines SET removed_at = ?, online = FALSE WHERE id = ?"
            + " AND removed_at IS NULL";
    private static final String REVOKED_COLUMNS = "fingerprint, org_id, machine_id, app, host_key, revoked_at, revoked_by";
    private static final String INSERT_REVOKED = "INSERT INTO revoked_host_keys (" + REVOKED_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String REVOKED_FOR_ORG = "SELECT " + REVOKED_COLUMNS + " FROM revoked_host_keys"
            + " WHERE org_id = ? ORDER BY revoked_at, machine_id";
    private static final String REVOKED_BY_FINGERPRINT = "SELECT " + REVOKED_COLUMNS + " FROM revoked_host_keys"
            + " WHERE fingerprint = ?";
    private static final String DELETE_APP_MACHINES = "DELETE FROM machines WHERE app_id = ?";
    private static final String DELETE_APP_TOKENS = "DELETE FROM join_tokens WHERE app_id = ?";

    private final Connections db;

    JdbcMachineStore(Connections db) {
        this.db = db;
    }

    @Override
    public void createJoinToken(JoinToken t) {
        Objects.requireNonNull(t, "token");
        db.with("create a join token for app " + t.appId(),
                c -> Connections.unique(c, db.transactional(), "this join token already exists",
                        conn -> Connections.executeUpdate(conn, INSERT_TOKEN, ps -> {
                            ps.setString(1, t.hash());
                            ps.setLong(2, t.orgId());
                            ps.setLong(3, t.appId());
                            ps.setInt(4, t.usesLeft());
                            Columns.setInstant(ps, 5, t.expiresAt());
                            ps.setString(6, t.createdBy());
                            Columns.setInstant(ps, 7, t.createdAt());
                        })));
    }

    @Override
    public Optional<JoinToken> joinToken(String hash) {
        Objects.requireNonNull(hash, "hash");
        return db.one("look up a join token", TOKEN, ps -> ps.setString(1, hash), rs -> new JoinToken(
                rs.getString("hash"), rs.getLong("org_id"), rs.getLong("app_id"), rs.getInt("uses_left"),
                Columns.instant(rs, "expires_at"), rs.getString("created_by"), Columns.instant(rs, "created_at")));
    }

    @Override
    public boolean consumeJoinToken(String hash, Instant now) {
        Objects.requireNonNull(hash, "hash");
        return db.update("use a join token", CONSUME, ps -> {
            ps.setString(1, hash);
            Columns.setInstant(ps, 2, now);
        }) == 1;
    }

    @Override
    public void create(Machine m) {
        Objects.requireNonNull(m, "machine");
        db.with("create machine " + m.id(),
                c -> Connections.unique(c, db.transactional(), "machine '" + m.id() + "' already exists",
                        conn -> Connections.executeUpdate(conn, INSERT, ps -> {
                            ps.setString(1, m.id());
                            ps.setLong(2, m.orgId());
                            ps.setLong(3, m.appId());
                            ps.setString(4, m.region());
                            ps.setString(5, m.address());
                            ps.setString(6, m.hostKeyFingerprint());
                            Columns.setInstant(ps, 7, m.createdAt());
                            Columns.setInstant(ps, 8, m.lastSeen());
                            ps.setBoolean(9, m.online());
                            Columns.setNullableString(ps, 10, m.hostKey());
                            Columns.setInstant(ps, 11, m.removedAt());
                        })));
    }

    @Override
    public Optional<Machine> byId(String id) {
        Objects.requireNonNull(id, "id");
        return db.one("look up machine " + id, BY_ID, ps -> ps.setString(1, id), JdbcMachineStore::row);
    }

    @Override
    public List<Machine> forApp(long appId) {
        return db.list("list the machines of app " + appId, FOR_APP, ps -> ps.setLong(1, appId), JdbcMachineStore::row);
    }

    @Override
    public long nextMachineNumber() {
        return db.one("allocate a machine number", NEXT_NUMBER, ps -> { }, rs -> rs.getLong(1)).orElseThrow();
    }

    @Override
    public boolean setOnline(String id, boolean online, Instant at) {
        return db.update("mark machine " + id + (online ? " online" : " offline"), SET_ONLINE, ps -> {
            ps.setBoolean(1, online);
            Columns.setInstant(ps, 2, at);
            ps.setString(3, id);
        }) == 1;
    }

    @Override
    public int setAllOffline(Instant at) {
        return db.update("mark every machine offline", ALL_OFFLINE, ps -> Columns.setInstant(ps, 1, at));
    }

    private static Machine row(ResultSet rs) throws SQLException {
        return new Machine(rs.getString("id"), rs.getLong("org_id"), rs.getLong("app_id"), rs.getString("region"),
                rs.getString("address"), rs.getString("host_key_fingerprint"), Columns.instant(rs, "created_at"),
                Columns.instant(rs, "last_seen"), rs.getBoolean("online"), rs.getString("host_key"),
                Columns.instant(rs, "removed_at"));
    }

    @Override
    public boolean remove(String id, Instant at, String by, String appName) {
        Objects.requireNonNull(at, "at");
        Machine m = byId(id).orElse(null);
        if (m == null || m.removed()) {
            return false;
        }
        if (db.update("remove machine " + id, REMOVE, ps -> {
            Columns.setInstant(ps, 1, at);
            ps.setString(2, id);
        }) != 1) {
            return false;
        }
        // A key another removed machine used already stays revoked under that machine's name.
        if (revokedHostKey(m.hostKeyFingerprint()).isEmpty()) {
            db.update("revoke the host key of machine " + id, INSERT_REVOKED, ps -> {
                ps.setString(1, m.hostKeyFingerprint());
                ps.setLong(2, m.orgId());
                ps.setString(3, id);
                ps.setString(4, appName);
                Columns.setNullableString(ps, 5, m.hostKey());
                Columns.setInstant(ps, 6, at);
                ps.setString(7, by);
            });
        }
        return true;
    }

    @Override
    public List<RevokedHostKey> revokedHostKeys(long orgId) {
        return db.list("list the revoked host keys of org " + orgId, REVOKED_FOR_ORG, ps -> ps.setLong(1, orgId),
                JdbcMachineStore::revoked);
    }

    @Override
    public Optional<RevokedHostKey> revokedHostKey(String fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        return db.one("look up a revoked host key", REVOKED_BY_FINGERPRINT, ps -> ps.setString(1, fingerprint),
                JdbcMachineStore::revoked);
    }

    @Override
    public void deleteForApp(long appId) {
        db.update("delete the join tokens of app " + appId, DELETE_APP_TOKENS, ps -> ps.setLong(1, appId));
        db.update("delete the machines of app " + appId, DELETE_APP_MACHINES, ps -> ps.setLong(1, appId));
    }

    private static RevokedHostKey revoked(ResultSet rs) throws SQLException {
        return new RevokedHostKey(rs.getString("fingerprint"), rs.getLong("org_id"), rs.getString("machine_id"),
                rs.getString("app"), rs.getString("host_key"), Columns.instant(rs, "revoked_at"),
                rs.getString("revoked_by"));
    }
}
