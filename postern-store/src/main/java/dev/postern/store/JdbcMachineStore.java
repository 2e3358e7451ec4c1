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
            + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String TOKEN = "SELECT hash, org_id, app_id, uses_left, expires_at, created_by, created_at"
            + " FROM join_tokens WHERE hash = ?";
    // The guards make the decrement atomic: two machines racing for the last use cannot both win.
    private static final String CONSUME = "UPDATE join_tokens SET uses_left = uses_left - 1"
            + " WHERE hash = ? AND uses_left > 0 AND expires_at > ?";
    private static final String DELETE_TOKENS = "DELETE FROM join_tokens WHERE org_id = ? AND created_by = ?";
    private static final String COLUMNS = "id, org_id, app_id, region, address, host_key_fingerprint, created_at,"
            + " last_seen, online";
    private static final String INSERT = "INSERT INTO machines (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM machines WHERE id = ?";
    private static final String FOR_APP = "SELECT " + COLUMNS + " FROM machines WHERE app_id = ? ORDER BY id";
    private static final String NEXT_NUMBER = "SELECT nextval('machine_number_seq')";
    private static final String ALL_OFFLINE = "UPDATE machines SET online = FALSE, last_seen = ? WHERE online = TRUE";
    private static final String SET_ONLINE = "UPDATE machines SET online = ?, last_seen = ? WHERE id = ?";

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
    public int deleteJoinTokens(long orgId, String createdBy) {
        Objects.requireNonNull(createdBy, "createdBy");
        return db.update("delete the join tokens of " + createdBy + " in org " + orgId, DELETE_TOKENS, ps -> {
            ps.setLong(1, orgId);
            ps.setString(2, createdBy);
        });
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
                Columns.instant(rs, "last_seen"), rs.getBoolean("online"));
    }
}
