package dev.postern.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one JDBC connection; may throw {@link SQLException}, which the caller maps. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
