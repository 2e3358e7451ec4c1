package dev.postern.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** People in table {@code people}; e-mails are lower-cased on the way in, so lookups ignore case. */
final class JdbcPersonStore implements PersonStore {
    private static final String INSERT = "INSERT INTO people (email, created_at) VALUES (?, ?)";
    private static final String BY_EMAIL = "SELECT id, email, created_at FROM people WHERE email = ?";
    private static final String BY_ID = "SELECT id, email, created_at FROM people WHERE id = ?";

    private final Connections db;

    JdbcPersonStore(Connections db) {
        this.db = db;
    }

    @Override
    public Person create(String email, Instant at) {
        String normal = Columns.email(Objects.requireNonNull(email, "email"));
        Objects.requireNonNull(at, "at");
        return db.with("create person '" + normal + "'", c -> insert(c, normal, at));
    }

    @Override
    public Person getOrCreate(String email, Instant at) {
        String normal = Columns.email(Objects.requireNonNull(email, "email"));
        Objects.requireNonNull(at, "at");
        return db.with("get or create person '" + normal + "'", c -> {
            Optional<Person> existing = byEmail(c, normal);
            if (existing.isPresent()) {
                return existing.get();
            }
            try {
                return insert(c, normal, at);
            } catch (ConflictException raced) {
                // another caller created them between our lookup and insert
                return byEmail(c, normal).orElseThrow(() -> raced);
            }
        });
    }

    @Override
    public Optional<Person> byEmail(String email) {
        String normal = Columns.email(Objects.requireNonNull(email, "email"));
        return db.one("look up person '" + normal + "'", BY_EMAIL, ps -> ps.setString(1, normal), JdbcPersonStore::row);
    }

    @Override
    public Optional<Person> byId(long id) {
        return db.one("look up person " + id, BY_ID, ps -> ps.setLong(1, id), JdbcPersonStore::row);
    }

    private Person insert(Connection c, String email, Instant at) throws SQLException {
        long id = Connections.unique(c, db.transactional(), "person '" + email + "' already exists",
                conn -> Connections.insertReturningId(conn, INSERT, ps -> {
                    ps.setString(1, email);
                    Columns.setInstant(ps, 2, at);
                }));
        return new Person(id, email, Columns.stored(at));
    }

    private static Optional<Person> byEmail(Connection c, String email) throws SQLException {
        return Connections.queryOne(c, BY_EMAIL, ps -> ps.setString(1, email), JdbcPersonStore::row);
    }

    private static Person row(ResultSet rs) throws SQLException {
        return new Person(rs.getLong("id"), rs.getString("email"), Columns.instant(rs, "created_at"));
    }
}
