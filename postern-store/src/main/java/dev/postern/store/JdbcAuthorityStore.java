package dev.postern.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Per-org CA pairs in table {@code org_authorities}; private keys arrive and leave sealed. */
final class JdbcAuthorityStore implements AuthorityStore {
    private static final String UPDATE = "UPDATE org_authorities SET user_ca_public_key = ?, user_ca_sealed_key = ?,"
            + " host_ca_public_key = ?, host_ca_sealed_key = ?, created_at = ? WHERE org_id = ?";
    private static final String INSERT = "INSERT INTO org_authorities (user_ca_public_key, user_ca_sealed_key,"
            + " host_ca_public_key, host_ca_sealed_key, created_at, org_id) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String FOR_ORG = "SELECT org_id, user_ca_public_key, user_ca_sealed_key, host_ca_public_key,"
            + " host_ca_sealed_key, created_at FROM org_authorities WHERE org_id = ?";
    private static final String ALL = "SELECT org_id, user_ca_public_key, user_ca_sealed_key, host_ca_public_key,"
            + " host_ca_sealed_key, created_at FROM org_authorities ORDER BY org_id";

    private static final String RETIRE = "INSERT INTO retired_authorities (org_id, user_ca_public_key,"
            + " host_ca_public_key, created_at, retired_at) SELECT org_id, user_ca_public_key, host_ca_public_key,"
            + " created_at, ? FROM org_authorities WHERE org_id = ? AND (user_ca_public_key <> ?"
            + " OR host_ca_public_key <> ?)";
    private static final String RETIRED = "SELECT org_id, user_ca_public_key, host_ca_public_key, created_at,"
            + " retired_at FROM retired_authorities WHERE org_id = ? ORDER BY id";
    private static final String IS_CA_KEY = "SELECT 1 FROM org_authorities WHERE user_ca_public_key = ?"
            + " OR host_ca_public_key = ? UNION ALL SELECT 1 FROM retired_authorities WHERE user_ca_public_key = ?"
            + " OR host_ca_public_key = ?";

    private final Connections db;

    JdbcAuthorityStore(Connections db) {
        this.db = db;
    }

    @Override
    public void put(OrgAuthority authority) {
        Objects.requireNonNull(authority, "authority");
        // UPDATE then INSERT rather than a MERGE/ON CONFLICT, which H2 and PostgreSQL spell differently.
        // Two racing first puts: the loser's INSERT hits the primary key and we update over the winner.
        db.with("store the CA of org " + authority.orgId(), c -> {
            // the replaced keys are kept before they are overwritten: the org's KRL goes on revoking them
            Connections.executeUpdate(c, RETIRE, ps -> {
                Columns.setInstant(ps, 1, authority.createdAt());
                ps.setLong(2, authority.orgId());
                ps.setString(3, authority.userCaPublicKey());
                ps.setString(4, authority.hostCaPublicKey());
            });
            if (write(c, UPDATE, authority) == 1) {
                return null;
            }
            try {
                Connections.unique(c, db.transactional(), "CA of org " + authority.orgId() + " already exists",
                        conn -> write(conn, INSERT, authority));
            } catch (ConflictException raced) {
                write(c, UPDATE, authority);
            }
            return null;
        });
    }

    @Override
    public Optional<OrgAuthority> forOrg(long orgId) {
        return db.one("look up the CA of org " + orgId, FOR_ORG, ps -> ps.setLong(1, orgId), JdbcAuthorityStore::row);
    }

    @Override
    public List<OrgAuthority> all() {
        return db.list("list every org's CA", ALL, ps -> { }, JdbcAuthorityStore::row);
    }

    @Override
    public List<RetiredAuthority> retired(long orgId) {
        return db.list("list the retired CAs of org " + orgId, RETIRED, ps -> ps.setLong(1, orgId),
                rs -> new RetiredAuthority(rs.getLong("org_id"), rs.getString("user_ca_public_key"),
                        rs.getString("host_ca_public_key"), Columns.instant(rs, "created_at"),
                        Columns.instant(rs, "retired_at")));
    }

    @Override
    public boolean isCaKey(String publicKeyLine) {
        Objects.requireNonNull(publicKeyLine, "publicKeyLine");
        return db.one("look up whether a key is a CA key", IS_CA_KEY, ps -> {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, publicKeyLine);
            }
        }, rs -> Boolean.TRUE).isPresent();
    }

    private static int write(Connection c, String sql, OrgAuthority a) throws SQLException {
        return Connections.executeUpdate(c, sql, ps -> {
            ps.setString(1, a.userCaPublicKey());
            ps.setBytes(2, a.userCaSealedKey());
            ps.setString(3, a.hostCaPublicKey());
            ps.setBytes(4, a.hostCaSealedKey());
            Columns.setInstant(ps, 5, a.createdAt());
            ps.setLong(6, a.orgId());
        });
    }

    private static OrgAuthority row(ResultSet rs) throws SQLException {
        return new OrgAuthority(rs.getLong("org_id"), rs.getString("user_ca_public_key"),
                rs.getBytes("user_ca_sealed_key"), rs.getString("host_ca_public_key"),
                rs.getBytes("host_ca_sealed_key"), Columns.instant(rs, "created_at"));
    }
}
