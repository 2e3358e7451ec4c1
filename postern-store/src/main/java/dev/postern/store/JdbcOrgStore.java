package dev.postern.store;

import dev.postern.common.Logins;
import dev.postern.common.Role;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Orgs in table {@code orgs}, memberships in {@code memberships}. */
final class JdbcOrgStore implements OrgStore {
    private static final String INSERT = "INSERT INTO orgs (name, created_at) VALUES (?, ?)";
    private static final String BY_NAME = "SELECT id, name, created_at FROM orgs WHERE name = ?";
    private static final String BY_ID = "SELECT id, name, created_at FROM orgs WHERE id = ?";
    private static final String FOR_PERSON = "SELECT o.id, o.name, o.created_at FROM orgs o"
            + " JOIN memberships m ON m.org_id = o.id WHERE m.person_id = ? ORDER BY o.name";
    private static final String ADD_MEMBER = "INSERT INTO memberships (org_id, person_id, role, login, created_at)"
            + " VALUES (?, ?, ?, ?, ?)";
    private static final String SET_LOGIN = "UPDATE memberships SET login = ? WHERE org_id = ? AND person_id = ?";
    private static final String LOGIN_HOLDER = "SELECT p.email FROM memberships m JOIN people p ON p.id = m.person_id"
            + " WHERE m.org_id = ? AND m.login = ?";
    private static final String REMOVE_MEMBER = "DELETE FROM memberships WHERE org_id = ? AND person_id = ?";
    private static final String MEMBER_COLUMNS = "SELECT m.org_id, m.person_id, p.email, m.role, m.login, m.created_at"
            + " FROM memberships m JOIN people p ON p.id = m.person_id";
    private static final String MEMBERSHIP = MEMBER_COLUMNS + " WHERE m.org_id = ? AND m.person_id = ?";
    private static final String LOCK_LOGIN = "SELECT login FROM memberships WHERE org_id = ? AND person_id = ?"
            + " FOR UPDATE";
    private static final String LOCK_ROLES = "SELECT role FROM memberships WHERE org_id = ? FOR UPDATE";
    private static final String MEMBERS = MEMBER_COLUMNS + " WHERE m.org_id = ? ORDER BY p.email";

    // Children first; machines and apps are gone already (AppStore.delete). Audit rows name the org and stay.
    private static final List<String> DELETE = List.of(
            "DELETE FROM join_tokens WHERE org_id = ?",
            "DELETE FROM certificates WHERE org_id = ?",
            "DELETE FROM retired_authorities WHERE org_id = ?",
            "DELETE FROM org_authorities WHERE org_id = ?",
            "DELETE FROM memberships WHERE org_id = ?",
            "DELETE FROM orgs WHERE id = ?");

    private final Connections db;

    JdbcOrgStore(Connections db) {
        this.db = db;
    }

    @Override
    public Org create(String name, Instant at) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(at, "at");
        long id = db.with("create org '" + name + "'",
                c -> Connections.unique(c, db.transactional(), "org '" + name + "' already exists",
                        conn -> Connections.insertReturningId(conn, INSERT, ps -> {
                            ps.setString(1, name);
                            Columns.setInstant(ps, 2, at);
                        })));
        return new Org(id, name, Columns.stored(at));
    }

    @Override
    public Optional<Org> byName(String name) {
        Objects.requireNonNull(name, "name");
        return db.one("look up org '" + name + "'", BY_NAME, ps -> ps.setString(1, name), JdbcOrgStore::org);
    }

    @Override
    public Optional<Org> byId(long id) {
        return db.one("look up org " + id, BY_ID, ps -> ps.setLong(1, id), JdbcOrgStore::org);
    }

    @Override
    public List<Org> forPerson(long personId) {
        return db.list("list the orgs of person " + personId, FOR_PERSON, ps -> ps.setLong(1, personId),
                JdbcOrgStore::org);
    }

    @Override
    public Membership addMember(long orgId, long personId, Role role, String login, Instant at) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(at, "at");
        if (login != null) {
            Logins.checkPersonal(login);
        }
        String what = "add person " + personId + " to org " + orgId;
        return db.with(what, c -> {
            try {
                Connections.unique(c, db.transactional(), "person " + personId + " is already a member of org "
                        + orgId, conn -> Connections.executeUpdate(conn, ADD_MEMBER, ps -> {
                            ps.setLong(1, orgId);
                            ps.setLong(2, personId);
                            ps.setString(3, role.name());
                            ps.setString(4, login);
                            Columns.setInstant(ps, 5, at);
                        }));
            } catch (ConflictException e) {
                throw loginTakenOr(c, orgId, login, e);
            }
            return Connections.queryOne(c, MEMBERSHIP, ps -> {
                ps.setLong(1, orgId);
                ps.setLong(2, personId);
            }, JdbcOrgStore::membership).orElseThrow(() -> new StoreException(
                    "cannot " + what + ": the membership vanished right after it was added"));
        });
    }

    @Override
    public boolean setLogin(long orgId, long personId, String login) {
        Logins.checkPersonal(login);
        return db.with("set the login of person " + personId + " in org " + orgId, c -> {
            try {
                return Connections.unique(c, db.transactional(), "login '" + login + "' is taken in org " + orgId,
                        conn -> Connections.executeUpdate(conn, SET_LOGIN, ps -> {
                            ps.setString(1, login);
                            ps.setLong(2, orgId);
                            ps.setLong(3, personId);
                        })) == 1;
            } catch (ConflictException e) {
                throw loginTakenOr(c, orgId, login, e);
            }
        });
    }

    /** After a unique violation: the login's holder when the login was the cause, else the original conflict. */
    private static ConflictException loginTakenOr(Connection c, long orgId, String login, ConflictException e)
            throws SQLException {
        if (login == null) {
            return e;
        }
        Optional<String> holder = Connections.queryOne(c, LOGIN_HOLDER, ps -> {
            ps.setLong(1, orgId);
            ps.setString(2, login);
        }, rs -> rs.getString("email"));
        return holder.<ConflictException>map(h -> new LoginTakenException(login, "login '" + login
                + "' is already " + h + "'s in this org")).orElse(e);
    }

    @Override
    public boolean removeMember(long orgId, long personId) {
        return db.update("remove person " + personId + " from org " + orgId, REMOVE_MEMBER, ps -> {
            ps.setLong(1, orgId);
            ps.setLong(2, personId);
        }) == 1;
    }

    @Override
    public Optional<Membership> membership(long orgId, long personId) {
        return db.one("look up the membership of person " + personId + " in org " + orgId, MEMBERSHIP, ps -> {
            ps.setLong(1, orgId);
            ps.setLong(2, personId);
        }, JdbcOrgStore::membership);
    }

    @Override
    public boolean holdsLogin(long orgId, long personId, String login) {
        Optional<Optional<String>> held = db.one("lock the membership of person " + personId + " in org " + orgId,
                LOCK_LOGIN, ps -> {
                    ps.setLong(1, orgId);
                    ps.setLong(2, personId);
                }, rs -> Optional.ofNullable(rs.getString("login")));
        return held.isPresent() && Objects.equals(held.get().orElse(null), login);
    }

    @Override
    public int lockAndCountOwners(long orgId) {
        return (int) db.list("lock the memberships of org " + orgId, LOCK_ROLES, ps -> ps.setLong(1, orgId),
                rs -> Role.valueOf(rs.getString("role"))).stream().filter(r -> r == Role.OWNER).count();
    }

    @Override
    public List<Membership> members(long orgId) {
        return db.list("list the members of org " + orgId, MEMBERS, ps -> ps.setLong(1, orgId),
                JdbcOrgStore::membership);
    }

    private static Org org(ResultSet rs) throws SQLException {
        return new Org(rs.getLong("id"), rs.getString("name"), Columns.instant(rs, "created_at"));
    }

    private static Membership membership(ResultSet rs) throws SQLException {
        return new Membership(rs.getLong("org_id"), rs.getLong("person_id"), rs.getString("email"),
                Role.valueOf(rs.getString("role")), rs.getString("login"), Columns.instant(rs, "created_at"));
    }

    @Override
    public boolean delete(long orgId) {
        int deleted = 0;
        for (String sql : DELETE) {
            deleted = db.update("delete org " + orgId, sql, ps -> ps.setLong(1, orgId));
        }
        return deleted == 1;
    }
}
