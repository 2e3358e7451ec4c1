package dev.postern.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * The audit trail in table {@code audit_events}. "Newest" means most recently appended: events are
 * listed by descending id, which is the order the store accepted them in, whatever clocks said.
 */
final class JdbcAuditStore implements AuditStore {
    private static final String INSERT = "INSERT INTO audit_events (occurred_at, actor, org, action, target, source,"
            + " detail) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String COLUMNS = "SELECT id, occurred_at, actor, org, action, target, source, detail"
            + " FROM audit_events";
    private static final String ALL = COLUMNS + " ORDER BY id DESC LIMIT ?";
    private static final String OF_ORG = COLUMNS + " WHERE org = ? ORDER BY id DESC LIMIT ?";

    private final Connections db;

    JdbcAuditStore(Connections db) {
        this.db = db;
    }

    @Override
    public AuditEvent append(AuditEvent e) {
        Objects.requireNonNull(e, "event");
        long id = db.with("append audit event '" + e.action() + "'",
                c -> Connections.insertReturningId(c, INSERT, ps -> bind(ps, e)));
        return new AuditEvent(id, Columns.stored(e.at()), e.actor(), e.org(), e.action(), e.target(), e.source(),
                e.detail());
    }

    @Override
    public void appendAll(List<AuditEvent> events) {
        List<AuditEvent> all = List.copyOf(events);
        if (all.isEmpty()) {
            return;
        }
        db.with("append " + all.size() + " audit events", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (AuditEvent e : all) {
                    bind(ps, e);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<AuditEvent> list(String org, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("audit limit " + limit + " must be at least 1");
        }
        if (org == null) {
            return db.list("list audit events", ALL, ps -> ps.setInt(1, limit), JdbcAuditStore::row);
        }
        return db.list("list audit events of org '" + org + "'", OF_ORG, ps -> {
            ps.setString(1, org);
            ps.setInt(2, limit);
        }, JdbcAuditStore::row);
    }

    private static void bind(PreparedStatement ps, AuditEvent e) throws SQLException {
        Objects.requireNonNull(e, "event");
        Columns.setInstant(ps, 1, e.at());
        ps.setString(2, e.actor());
        Columns.setNullableString(ps, 3, e.org());
        ps.setString(4, e.action());
        Columns.setNullableString(ps, 5, e.target());
        Columns.setNullableString(ps, 6, e.source());
        Columns.setNullableString(ps, 7, e.detail());
    }

    private static AuditEvent row(ResultSet rs) throws SQLException {
        return new AuditEvent(rs.getLong("id"), Columns.instant(rs, "occurred_at"), rs.getString("actor"),
                rs.getString("org"), rs.getString("action"), rs.getString("target"), rs.getString("source"),
                rs.getString("detail"));
    }
}
