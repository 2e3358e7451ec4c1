package dev.postern.store;

import dev.postern.common.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** {@link Store#callerInOrg} in one query: token, person, org, membership and CA stamp, outer-joined. */
final class JdbcCallerLookup {
    private static final String QUERY = "SELECT t.hash, t.person_id, t.kind, t.created_at, t.expires_at, t.used_at,"
            + " p.email, p.created_at AS person_created_at,"
            + " o.id AS org_id, o.name AS org_name, o.created_at AS org_created_at,"
            + " m.role, m.login, m.created_at AS member_created_at,"
            + " a.created_at AS ca_created_at, a.user_ca_public_key"
            + " FROM api_tokens t"
            + " LEFT JOIN people p ON p.id = t.person_id"
            + " LEFT JOIN orgs o ON o.name = ?"
            + " LEFT JOIN memberships m ON m.org_id = o.id AND m.person_id = p.id"
            + " LEFT JOIN org_authorities a ON a.org_id = o.id"
            + " WHERE t.hash = ?";

    private final Connections db;

    JdbcCallerLookup(Connections db) {
        this.db = db;
    }

    Optional<CallerInOrg> find(String tokenHash, String orgName) {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(orgName, "orgName");
        // the hash stays out of messages: it is as good as the token for lookups
        return db.one("look up a token with org '" + orgName + "'", QUERY, ps -> {
            ps.setString(1, orgName);
            ps.setString(2, tokenHash);
        }, JdbcCallerLookup::row);
    }

    private static CallerInOrg row(ResultSet rs) throws SQLException {
        ApiToken token = new ApiToken(rs.getString("hash"), rs.getLong("person_id"),
                TokenKind.valueOf(rs.getString("kind")), Columns.instant(rs, "created_at"),
                Columns.instant(rs, "expires_at"), Columns.instant(rs, "used_at"));
        String email = rs.getString("email");
        Person person = email == null ? null
                : new Person(token.personId(), email, Columns.instant(rs, "person_created_at"));
        long orgId = rs.getLong("org_id");
        Org org = rs.wasNull() ? null
                : new Org(orgId, rs.getString("org_name"), Columns.instant(rs, "org_created_at"));
        String role = rs.getString("role");
        Membership membership = role == null || person == null ? null : new Membership(orgId, person.id(), email,
                Role.valueOf(role), rs.getString("login"), Columns.instant(rs, "member_created_at"));
        Instant caCreatedAt = Columns.instant(rs, "ca_created_at");
        return new CallerInOrg(token, person, org, membership, caCreatedAt,
                caCreatedAt == null ? null : rs.getString("user_ca_public_key"));
    }
}
