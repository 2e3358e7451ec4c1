package dev.postern.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Inside {@link Store#inTransaction}: every call uses the transaction's one connection. */
final class TransactionConnections extends Connections {
    private final Connection connection;
    private volatile boolean ended;

    TransactionConnections(Connection connection) {
        this.connection = connection;
    }

    @Override
    <T> T with(String what, SqlWork<T> work) {
        if (ended) {
            throw new IllegalStateException("cannot " + what + ": the store passed to inTransaction was used after"
                    + " its transaction ended; use the outer store instead");
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    @Override
    boolean transactional() {
        return true;
    }

    void end() {
        ended = true;
    }
}
