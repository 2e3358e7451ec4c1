package dev.postern.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Secrets in tables {@code app_secrets} (one row per name and version) and {@code app_secret_versions}. */
final class JdbcSecretStore implements SecretStore {
    private static final String BUMP =
            "UPDATE app_secret_versions SET latest_version = latest_version + 1 WHERE app_id = ?";
    private static final String FIRST =
            "INSERT INTO app_secret_versions (app_id, latest_version, deployed_version) VALUES (?, 1, 0)";
    private static final String VERSIONS =
            "SELECT latest_version, deployed_version FROM app_secret_versions WHERE app_id = ?";
    private static final String DEPLOY =
            "UPDATE app_secret_versions SET deployed_version = latest_version WHERE app_id = ?";
    private static final String INSERT = "INSERT INTO app_secrets (app_id, name, version, sealed_value, digest,"
            + " set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String HISTORY = "SELECT app_id, name, version, sealed_value, digest, set_by, set_at"
            + " FROM app_secrets WHERE app_id = ? ORDER BY name, version";

    private final Connections db;

    JdbcSecretStore(Connections db) {
        this.db = db;
    }

    @Override
    public long append(long appId, List<SecretChange> changes, String by, Instant at) {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("a new secrets version of app " + appId + " needs at least one change");
        }
        List<SecretChange> copy = List.copyOf(changes);
        return db.with("record a new secrets version of app " + appId, c -> {
            long version = bump(c, appId);
            for (SecretChange change : copy) {
                Connections.executeUpdate(c, INSERT, ps -> {
                    ps.setLong(1, appId);
                    ps.setString(2, change.name());
                    ps.setLong(3, version);
                    ps.setBytes(4, change.sealedValue());
                    ps.setString(5, change.digest());
                    ps.setString(6, by);
                    Columns.setInstant(ps, 7, at);
                });
            }
            return version;
        });
    }

    /** Takes the next version number; the UPDATE locks the counter row for the rest of the transaction. */
    private long bump(Connection c, long appId) throws SQLException {
        if (Connections.executeUpdate(c, BUMP, ps -> ps.setLong(1, appId)) == 0) {
            try {
                Connections.unique(c, db.transactional(), "secrets of app " + appId + " were created concurrently",
                        conn -> Connections.executeUpdate(conn, FIRST, ps -> ps.setLong(1, appId)));
            } catch (ConflictException raced) {
                // another transaction made the first version meanwhile: take the next one after it
                Connections.executeUpdate(c, BUMP, ps -> ps.setLong(1, appId));
            }
        }
        return read(c, appId).orElseThrow().latest();
    }

    @Override
    public SecretVersions deployLatest(long appId) {
        return db.with("deploy the secrets of app " + appId, c -> {
            Connections.executeUpdate(c, DEPLOY, ps -> ps.setLong(1, appId));
            return read(c, appId).orElse(SecretVersions.NONE);
        });
    }

    @Override
    public SecretVersions versions(long appId) {
        return db.with("read the secrets versions of app " + appId, c -> read(c, appId).orElse(SecretVersions.NONE));
    }

    private static Optional<SecretVersions> read(Connection c, long appId) throws SQLException {
        return Connections.queryOne(c, VERSIONS, ps -> ps.setLong(1, appId),
                rs -> new SecretVersions(rs.getLong(1), rs.getLong(2)));
    }

    @Override
    public List<StoredSecret> history(long appId) {
        return db.list("list the secrets of app " + appId, HISTORY, ps -> ps.setLong(1, appId), JdbcSecretStore::row);
    }

    private static StoredSecret row(ResultSet rs) throws SQLException {
        return new StoredSecret(rs.getLong("app_id"), rs.getString("name"), rs.getLong("version"),
                rs.getBytes("sealed_value"), rs.getString("digest"), rs.getString("set_by"),
                Columns.instant(rs, "set_at"));
    }
}
