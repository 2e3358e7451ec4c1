package dev.postern.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

/** Named byte values in table {@code settings}; first writer wins. */
final class JdbcSettingStore implements SettingStore {
    private static final String GET = "SELECT content FROM settings WHERE name = ?";
    private static final String INSERT = "INSERT INTO settings (name, content) VALUES (?, ?)";

    private final Connections db;

    JdbcSettingStore(Connections db) {
        this.db = db;
    }

    @Override
    public Optional<byte[]> get(String name) {
        Objects.requireNonNull(name, "name");
        return db.one("read setting '" + name + "'", GET, ps -> ps.setString(1, name), rs -> rs.getBytes(1));
    }

    @Override
    public byte[] putIfAbsent(String name, byte[] value) {
        Objects.requireNonNull(name, "name");
        byte[] copy = value.clone();
        return db.with("store setting '" + name + "'", c -> {
            Optional<byte[]> existing = read(c, name);
            if (existing.isPresent()) {
                return existing.get();
            }
            try {
                Connections.unique(c, db.transactional(), "setting '" + name + "' already exists",
                        conn -> Connections.executeUpdate(conn, INSERT, ps -> {
                            ps.setString(1, name);
                            ps.setBytes(2, copy);
                        }));
                return copy.clone();
            } catch (ConflictException raced) {
                // another replica stored it between our read and insert: theirs stands
                return read(c, name).orElseThrow(() -> raced);
            }
        });
    }

    private static Optional<byte[]> read(Connection c, String name) throws SQLException {
        return Connections.queryOne(c, GET, ps -> ps.setString(1, name), rs -> rs.getBytes(1));
    }
}
