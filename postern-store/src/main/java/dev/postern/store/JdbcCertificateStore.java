package dev.postern.store;

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
    public void record(IssuedCertificate cert) {
        Objects.requireNonNull(cert, "certificate");
        String principals = Columns.joinPrincipals(cert.principals());
        // no savepoint: a duplicate serial is a bug in the caller, not a case to recover from
        db.with("record certificate serial " + cert.serial(), c -> {
            try {
                return Connections.executeUpdate(c, INSERT, ps -> {
                    ps.setLong(1, cert.serial());
                    ps.setLong(2, cert.orgId());
                    ps.setLong(3, cert.personId());
                    ps.setString(4, cert.keyId());
                    ps.setString(5, principals);
                    ps.setString(6, cert.publicKeyFingerprint());
                    Columns.setInstant(ps, 7, cert.validAfter());
                    Columns.setInstant(ps, 8, cert.validBefore());
                    ps.setString(9, cert.issuedBy());
                    Columns.setInstant(ps, 10, cert.issuedAt());
                    Columns.setInstant(ps, 11, cert.revokedAt());
                    Columns.setNullableString(ps, 12, cert.revokedBy());
                });
            } catch (SQLException e) {
                if (Connections.isUniqueViolation(e)) {
                    throw new ConflictException("certificate serial " + cert.serial() + " is already recorded;"
                            + " allocate serials with nextSerial()");
                }
                throw e;
            }
        });
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
