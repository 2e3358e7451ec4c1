package dev.postern.server;

import dev.postern.common.Untrusted;
import dev.postern.store.CallerInOrg;
import dev.postern.store.Membership;
import dev.postern.store.Org;
import dev.postern.store.Store;

/** Resolves an org for a caller; people see and act only on orgs they belong to. */
final class OrgAccess {
    private final Store store;

    OrgAccess(Store store) {
        this.store = store;
    }

    /** An org and the caller's membership in it. */
    record Scope(Org org, Membership membership) {
        boolean admin() {
            return membership.role().isAdmin();
        }
    }

    /** The org if the caller is a member; 404 otherwise, so non-members cannot probe which orgs exist. */
    Scope member(Caller caller, String orgName) {
        Org org = store.orgs().byName(orgName).orElseThrow(() -> unknown(orgName));
        Membership m = store.orgs().membership(org.id(), caller.person().id()).orElseThrow(() -> unknown(orgName));
        return new Scope(org, m);
    }

    /** As {@link #member}, from what {@link TokenAuthenticator#sessionIn} already read: no query. */
    Scope scope(OrgCall call) {
        CallerInOrg row = call.row();
        if (row.org() == null || row.membership() == null) {
            throw unknown(call.orgName());
        }
        return new Scope(row.org(), row.membership());
    }

    /** Like {@link #member} but also requires owner or admin. */
    Scope admin(Caller caller, String orgName, String action) {
        Scope scope = member(caller, orgName);
        if (!scope.admin()) {
            throw ApiException.forbidden("only owners and admins of org '" + orgName + "' may " + action
                    + "; you are a " + scope.membership().role().wire());
        }
        return scope;
    }

    private static ApiException unknown(String orgName) {
        return ApiException.notFound("org " + Untrusted.quote(orgName) + " not found, or you are not a member of it;"
                + " see yours with 'postern orgs list'");
    }
}
