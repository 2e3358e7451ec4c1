package dev.postern.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Bearer token hashes in table {@code api_tokens}. */
final class JdbcTokenStore implements TokenStore {
    private static final String INSERT = "INSERT INTO api_tokens (hash, person_id, kind, created_at, expires_at, used_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
    private static final String BY_HASH = "SELECT hash, person_id, kind, created_at, expires_at, used_at"
            + " FROM api_tokens WHERE hash = ?";
    // The used_at IS NULL guard makes the flip atomic: of two racing callers the second finds the row
    // already changed (PostgreSQL re-checks the condition after the row lock; so does H2's MVStore).
    private static final String MARK_USED = "UPDATE api_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL";
    private static final String DELETE = "DELETE FROM api_tokens WHERE hash = ?";
    private static final String DELETE_KIND = "DELETE FROM api_tokens WHERE person_id = ? AND kind = ?"
            + " AND used_at IS NULL";

    private final Connections db;

    JdbcTokenStore(Connections db) {
        this.db = db;
    }

    @Override
    public void create(ApiToken token) {
        Objects.requireNonNull(token, "token");
        // the hash stays out of messages: it is as good as the token for lookups
        db.with("create a " + token.kind() + " token for person " + token.personId(),
                c -> Connections.unique(c, db.transactional(), "this token already exists",
                        conn -> Connections.executeUpdate(conn, INSERT, ps -> {
                            ps.setString(1, token.hash());
                            ps.setLong(2, token.personId());
                            ps.setString(3, token.kind().name());
                            Columns.setInstant(ps, 4, token.createdAt());
                            Columns.setInstant(ps, 5, token.expiresAt());
                            Columns.setInstant(ps, 6, token.usedAt());
                        })));
    }

    @Override
    public Optional<ApiToken> byHash(String hash) {
        Objects.requireNonNull(hash, "hash");
        return db.one("look up a token", BY_HASH, ps -> ps.setString(1, hash), JdbcTokenStore::row);
    }

    @Override
    public boolean markUsed(String hash, Instant at) {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(at, "at");
        return db.update("mark a token used", MARK_USED, ps -> {
            Columns.setInstant(ps, 1, at);
            ps.setString(2, hash);
        }) == 1;
    }

    @Override
    public boolean delete(String hash) {
        Objects.requireNonNull(hash, "hash");
        return db.update("delete a token", DELETE, ps -> ps.setString(1, hash)) == 1;
    }

    @Override
    public int deleteSessions(long personId) {
        return deleteUnused(personId, TokenKind.SESSION);
    }

    @Override
    public int deleteUnusedInvites(long personId) {
        return deleteUnused(personId, TokenKind.INVITE);
    }

    // session tokens never get a used_at, so "unused" covers all of them
    private int deleteUnused(long personId, TokenKind kind) {
        return db.update("delete the " + kind + " tokens of person " + personId, DELETE_KIND, ps -> {
            ps.setLong(1, personId);
            ps.setString(2, kind.name());
        });
    }

    private static ApiToken row(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString("hash"), rs.getLong("person_id"), TokenKind.valueOf(rs.getString("kind")),
                Columns.instant(rs, "created_at"), Columns.instant(rs, "expires_at"), Columns.instant(rs, "used_at"));
    }
}
