package dev.postern.store;

import dev.postern.common.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Organizations and their memberships. */
public interface OrgStore {
    /** Creates an org; throws {@link ConflictException} when the name is taken. */
    Org create(String name, Instant at);

    Optional<Org> byName(String name);

    Optional<Org> byId(long id);

    /** Orgs the person is a member of, by name. */
    List<Org> forPerson(long personId);

    /** Adds a member without a login (see the five-argument form). */
    default Membership addMember(long orgId, long personId, Role role, Instant at) {
        return addMember(orgId, personId, role, null, at);
    }

    /**
     * Adds a member with the login the org gives them (null for none yet). Throws {@link LoginTakenException}
     * when another member of the org has that login, {@link ConflictException} when already a member, and
     * {@link IllegalArgumentException} for a login that is invalid or reserved ({@link dev.postern.common.Logins}).
     */
    Membership addMember(long orgId, long personId, Role role, String login, Instant at);

    /**
     * Gives a member another login (never null: a login is changed, not taken away). False when there is no such
     * membership; throws as {@link #addMember(long, long, Role, String, Instant)} for a taken, invalid or
     * reserved login.
     */
    boolean setLogin(long orgId, long personId, String login);

    /** Removes a membership; false when there was none. */
    boolean removeMember(long orgId, long personId);

    Optional<Membership> membership(long orgId, long personId);

    /**
     * True when the person is still a member with exactly this login (null: none), locking the membership row
     * until the transaction ends: a removal or a renaming waits for it, and one that came first is seen. The
     * certificate log asks this in the transaction that records a certificate, so that a certificate signed
     * before such a change is either refused or committed before the change revokes the person's certificates.
     */
    boolean holdsLogin(long orgId, long personId, String login);

    /**
     * Locks every membership of the org until the transaction ends and counts its owners: two owners removing
     * each other at once are serialised, so the second sees the first's removal and an org never loses its last
     * owner.
     */
    int lockAndCountOwners(long orgId);

    /** Members ordered by e-mail. */
    List<Membership> members(long orgId);

    /**
     * Deletes an org with its memberships, CA and certificate log; its apps must be deleted first. The audit
     * trail (by org name) and its removed machines' revoked host keys stay.
     */
    boolean delete(long orgId);
}
