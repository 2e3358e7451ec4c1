package dev.postern.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Outside a transaction: each call borrows a pooled connection in auto-commit mode and returns it. */
final class PooledConnections extends Connections {
    private final DataSource pool;

    PooledConnections(DataSource pool) {
        this.pool = pool;
    }

    @Override
    <T> T with(String what, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    @Override
    boolean transactional() {
        return false;
    }
}
