package dev.postern.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a sub-store gets its connection: the pool, one auto-committed call at a time
 * ({@link PooledConnections}), or the single connection of a transaction ({@link TransactionConnections}).
 * Also the small JDBC toolkit the sub-stores share, so each of them reads as SQL plus row mapping.
 */
abstract class Connections {
    /** SQLState for a unique or primary key violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** Binds the parameters of a prepared statement. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Turns the current row into a value. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /**
     * Runs {@code work} on a connection; SQL failures become {@link StoreException}s saying
     * "cannot {@code what}".
     */
    abstract <T> T with(String what, SqlWork<T> work);

    /** True inside {@link Store#inTransaction}, where a failed statement must not spoil the transaction. */
    abstract boolean transactional();

    <T> Optional<T> one(String what, String sql, Binder binder, RowMapper<T> mapper) {
        return with(what, c -> queryOne(c, sql, binder, mapper));
    }

    <T> List<T> list(String what, String sql, Binder binder, RowMapper<T> mapper) {
        return with(what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(mapper.map(rs));
                    }
                    return out;
                }
            }
        });
    }

    /** Runs an UPDATE or DELETE and returns the number of rows it changed. */
    int update(String what, String sql, Binder binder) {
        return with(what, c -> executeUpdate(c, sql, binder));
    }

    static <T> Optional<T> queryOne(Connection c, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
            }
        }
    }

    static int executeUpdate(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    /** Inserts one row into a table whose first column is a generated {@code id}, and returns that id. */
    static long insertReturningId(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            binder.bind(ps);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the database returned no generated id for: " + sql);
                }
                return keys.getLong("id");
            }
        }
    }

    /**
     * Runs {@code insert}, turning a unique violation into a {@link ConflictException} with
     * {@code conflictMessage}. Inside a transaction the insert runs under a savepoint: PostgreSQL aborts a
     * whole transaction on any failed statement, and callers may well catch the conflict and carry on.
     */
    static <T> T unique(Connection c, boolean transactional, String conflictMessage, SqlWork<T> insert)
            throws SQLException {
        Savepoint savepoint = transactional ? c.setSavepoint() : null;
        try {
            T result = insert.run(c);
            if (savepoint != null) {
                c.releaseSavepoint(savepoint);
            }
            return result;
        } catch (SQLException e) {
            if (savepoint != null) {
                c.rollback(savepoint);
            }
            if (isUniqueViolation(e)) {
                throw new ConflictException(conflictMessage);
            }
            throw e;
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        return e != null && UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    /** Maps a driver failure to the store's exception; the driver's words stay in the message and the cause. */
    static StoreException failure(String what, SQLException e) {
        String state = e.getSQLState();
        // 23503 (both) and 23506 (H2): a row refers to a parent that does not exist
        if ("23503".equals(state) || "23506".equals(state)) {
            return new StoreException("cannot " + what + ": it refers to a row that does not exist ("
                    + firstLine(e.getMessage()) + ")", e);
        }
        return new StoreException("cannot " + what + ": " + firstLine(e.getMessage())
                + (state == null ? "" : " [SQLState " + state + "]"), e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
