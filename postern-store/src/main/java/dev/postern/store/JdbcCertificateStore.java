package dev.postern.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The certificate log in table {@code certificates}; serials come from {@code certificate_serial_seq}. */
final class JdbcCertificateStore implements CertificateStore {
    // nextval('...') is PostgreSQL's spelling and H2 accepts it too
    private static final String NEXT_SERIAL = "SELECT nextval('certificate_serial_seq')";
    // generate_series is in both H2 2.x and PostgreSQL; nextval is evaluated once per row
    private static final String NEXT_SERIALS = "SELECT nextval('certificate_serial_seq') FROM generate_series(1, ?)";
    private static final String COLUMNS = "SELECT serial, org_id, person_id, key_id, principals, public_key_fingerprint,"
            + " valid_after, valid_before, issued_by, issued_at, revoked_at, revoked_by FROM certificates";
    private static final String INSERT = "INSERT INTO certificates (serial, org_id, person_id, key_id, principals,"
            + " public_key_fingerprint, valid_after, valid_before, issued_by, issued_at, revoked_at, revoked_by)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FOR_ORG = COLUMNS + " WHERE org_id = ? ORDER BY serial";
    private static final String BY_SERIAL = COLUMNS + " WHERE org_id = ? AND serial = ?";
    private static final String REVOKED = COLUMNS + " WHERE org_id = ? AND revoked_at IS NOT NULL ORDER BY serial";
    private static final String REVOKE_SERIAL = "UPDATE certificates SET revoked_at = ?, revoked_by = ?"
            + " WHERE org_id = ? AND serial = ? AND revoked_at IS NULL";
    private static final String REVOKE_PERSON = "UPDATE certificates SET revoked_at = ?, revoked_by = ?"
            + " WHERE org_id = ? AND person_id = ? AND revoked_at IS NULL";

    private final Connections db;

    JdbcCertificateStore(Connections db) {
        this.db = db;
    }

    @Override
    public long nextSerial() {
        return db.one("allocate a certificate serial", NEXT_SERIAL, ps -> { }, rs -> rs.getLong(1))
                .orElseThrow(() -> new StoreException("cannot allocate a certificate serial: the sequence returned no row"));
    }

    @Override
    public long[] nextSerials(int count) {
        CertificateStore.checkSerialCount(count);
        List<Long> serials = db.list("allocate " + count + " certificate serials", NEXT_SERIALS,
                ps -> ps.setInt(1, count), rs -> rs.getLong(1));
        if (serials.size() != count) {
            throw new StoreException("cannot allocate " + count + " certificate serials: the sequence returned "
                    + serials.size());
        }
        return serials.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public void record(IssuedCertificate cert) {
        Objects.requireNonNull(cert, "certificate");
        // no savepoint: a duplicate serial is a bug in the caller, not a case to recover from
        db.with("record certificate serial " + cert.serial(), c -> {
            try {
                return Connections.executeUpdate(c, INSERT, ps -> bind(ps, cert));
            } catch (SQLException e) {
                throw conflict(e, "certificate serial " + cert.serial() + " is already recorded");
            }
        });
    }

    @Override
    public void recordAll(List<IssuedCertificate> certificates) {
        List<IssuedCertificate> certs = List.copyOf(certificates);
        if (certs.isEmpty()) {
            return;
        }
        String what = certs.size() == 1 ? "certificate serial " + certs.get(0).serial()
                : certs.size() + " certificates, serials " + certs.get(0).serial() + " to "
                + certs.get(certs.size() - 1).serial();
        db.with("record " + what, c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (IssuedCertificate cert : certs) {
                    bind(ps, cert);
                    ps.addBatch();
                }
                ps.executeBatch();
                return null;
            } catch (SQLException e) {
                throw conflict(e, "one of " + what + " is already recorded");
            }
        });
    }

    private static void bind(PreparedStatement ps, IssuedCertificate cert) throws SQLException {
        ps.setLong(1, cert.serial());
        ps.setLong(2, cert.orgId());
        ps.setLong(3, cert.personId());
        ps.setString(4, cert.keyId());
        ps.setString(5, Columns.joinPrincipals(cert.principals()));
        ps.setString(6, cert.publicKeyFingerprint());
        Columns.setInstant(ps, 7, cert.validAfter());
        Columns.setInstant(ps, 8, cert.validBefore());
        ps.setString(9, cert.issuedBy());
        Columns.setInstant(ps, 10, cert.issuedAt());
        Columns.setInstant(ps, 11, cert.revokedAt());
        Columns.setNullableString(ps, 12, cert.revokedBy());
    }

    /** A unique violation becomes a conflict; any other failure is rethrown for the caller to map. */
    private static SQLException conflict(SQLException e, String what) {
        if (Connections.isUniqueViolation(e) || Connections.isUniqueViolation(e.getNextException())) {
            throw new ConflictException(what + "; allocate serials with nextSerial() or nextSerials()");
        }
        return e;
    }

    @Override
    public List<IssuedCertificate> forOrg(long orgId) {
        return db.list("list the certificates of org " + orgId, FOR_ORG, ps -> ps.setLong(1, orgId),
                JdbcCertificateStore::row);
    }

    @Override
    public Optional<IssuedCertificate> bySerial(long orgId, long serial) {
        return db.one("look up certificate serial " + serial + " in org " + orgId, BY_SERIAL, ps -> {
            ps.setLong(1, orgId);
            ps.setLong(2, serial);
        }, JdbcCertificateStore::row);
    }

    @Override
    public int revokeSerial(long orgId, long serial, Instant at, String by) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        return db.update("revoke certificate serial " + serial + " in org " + orgId, REVOKE_SERIAL, ps -> {
            Columns.setInstant(ps, 1, at);
            ps.setString(2, by);
            ps.setLong(3, orgId);
            ps.setLong(4, serial);
        });
    }

    @Override
    public int revokePerson(long orgId, long personId, Instant at, String by) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        return db.update("revoke the certificates of person " + personId + " in org " + orgId, REVOKE_PERSON, ps -> {
            Columns.setInstant(ps, 1, at);
            ps.setString(2, by);
            ps.setLong(3, orgId);
            ps.setLong(4, personId);
        });
    }

    @Override
    public List<IssuedCertificate> revoked(long orgId) {
        return db.list("list the revoked certificates of org " + orgId, REVOKED, ps -> ps.setLong(1, orgId),
                JdbcCertificateStore::row);
    }

    private static IssuedCertificate row(ResultSet rs) throws SQLException {
        return new IssuedCertificate(rs.getLong("serial"), rs.getLong("org_id"), rs.getLong("person_id"),
                rs.getString("key_id"), Columns.splitPrincipals(rs.getString("principals")),
                rs.getString("public_key_fingerprint"), Columns.instant(rs, "valid_after"),
                Columns.instant(rs, "valid_before"), rs.getString("issued_by"), Columns.instant(rs, "issued_at"),
                Columns.instant(rs, "revoked_at"), rs.getString("revoked_by"));
    }
}
