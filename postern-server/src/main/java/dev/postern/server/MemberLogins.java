package dev.postern.server;

import dev.postern.common.Logins;
import dev.postern.common.Role;
import dev.postern.common.Untrusted;
import dev.postern.store.Membership;
import dev.postern.store.Store;
import java.util.Optional;

/**
 * Which login a new member gets. The org decides: an admin names it, or the server proposes the e-mail's local
 * part when that is a valid login, not reserved ({@link Logins}) and not already another member's in the org.
 * A member without one cannot be added (the message names {@code --login}); an owner or admin may have none,
 * since their certificates default to root.
 */
final class MemberLogins {
    private MemberLogins() {
    }

    /** The requested login checked, else the proposal, else null for owners/admins; 400 naming the fix. */
    static String forNewMember(Store tx, long orgId, String orgName, String email, Role role, String requested) {
        if (requested != null) {
            return notGranted(tx, orgId, orgName, email, check(requested));
        }
        Optional<String> proposal = Logins.proposal(email);
        Optional<Membership> holder = proposal.flatMap(p -> tx.orgs().members(orgId).stream()
                .filter(m -> p.equals(m.login())).findFirst());
        if (proposal.isPresent() && holder.isEmpty() && grantee(tx, orgId, email, proposal.get()).isEmpty()) {
            return proposal.get();
        }
        if (proposal.isPresent() && holder.isEmpty()) {
            notGranted(tx, orgId, orgName, email, proposal.get()); // throws, naming the grant
        }
        if (role.isAdmin()) {
            return null;
        }
        String local = email.substring(0, email.indexOf('@'));
        String why = holder.map(m -> "'" + local + "' is already " + m.email() + "'s login there")
                .orElseGet(() -> Logins.isValid(local) ? "'" + local + "' is a reserved name"
                        : Untrusted.quote(local) + " is not a valid login name");
        throw ApiException.badRequest("cannot give " + email + " a login in org '" + orgName + "': the e-mail's local"
                + " part " + why + "; choose one with 'postern members add --org " + orgName + " --email " + email
                + " --role " + role.wire() + " --login NAME'");
    }

    /**
     * {@code login}, unless an access grant of someone other than {@code email} holds it as a shared account: a
     * personal login that others may use is no personal login (409 naming the grant and the fix).
     */
    static String notGranted(Store tx, long orgId, String orgName, String email, String login) {
        Optional<dev.postern.store.AccessGrant> g = grantee(tx, orgId, email, login);
        if (g.isPresent()) {
            throw ApiException.conflict("login '" + login + "' is granted to " + g.get().email() + " on app "
                    + g.get().app() + " in org '" + orgName + "', so it cannot be " + email + "'s own login; choose"
                    + " another with --login NAME, or revoke that grant first ('postern access revoke')");
        }
        return login;
    }

    private static Optional<dev.postern.store.AccessGrant> grantee(Store tx, long orgId, String email, String login) {
        return tx.accessGrants().forOrg(orgId).stream()
                .filter(g -> !g.email().equals(email) && g.logins().contains(login)).findFirst();
    }

    /** A login someone asked for, checked; 400 naming it and the rule. */
    static String check(String login) {
        try {
            return Logins.checkPersonal(login == null ? null : login.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
