package dev.postern.server;

import dev.postern.common.Logins;
import dev.postern.common.Role;
import dev.postern.store.AccessGrant;
import dev.postern.store.App;
import dev.postern.store.Membership;
import dev.postern.store.Store;
import java.util.List;
import java.util.Optional;

/**
 * Who may SSH to which app as which login, in one place for the issuer, the gateway's directory and
 * {@code access check}: owners and admins reach every app as any valid login; a member reaches an app only with
 * an access grant on it, and only as one of the grant's logins.
 */
final class AccessPolicy {
    /** An answer and why: the grant or role that allows, or what is missing (with the command that fixes it). */
    record Decision(boolean allowed, String reason) {
    }

    private AccessPolicy() {
    }

    /** The grant of a member on an app, if any. */
    static Optional<AccessGrant> grant(Store store, App app, long personId) {
        return store.accessGrants().find(app.id(), personId);
    }

    /** Whether {@code m} may reach {@code app} as {@code login}. */
    static Decision decide(Store store, String org, Membership m, App app, String login) {
        if (!Logins.isValid(login)) {
            return new Decision(false, "'" + login + "' is not a valid login name");
        }
        if (m.role().isAdmin()) {
            return new Decision(true, m.email() + " is " + (m.role() == Role.OWNER ? "an owner" : "an admin")
                    + " of org " + org + ": owners and admins reach every app as any login");
        }
        Optional<AccessGrant> g = grant(store, app, m.personId());
        if (g.isEmpty()) {
            return new Decision(false, m.email() + " is a member of org " + org + " with no grant on app "
                    + app.name() + "; an owner or admin grants one with 'postern access grant --org " + org
                    + " --app " + app.name() + " --email " + m.email() + " --logins " + login + "'");
        }
        List<String> logins = g.get().logins();
        if (!logins.contains(login)) {
            return new Decision(false, m.email() + "'s grant on app " + app.name() + " allows logins "
                    + String.join(",", logins) + ", not " + login + "; an owner or admin adds it with 'postern access"
                    + " grant --org " + org + " --app " + app.name() + " --email " + m.email() + " --logins "
                    + String.join(",", logins) + "," + login + "'");
        }
        return new Decision(true, m.email() + " holds a grant on app " + app.name() + " for logins "
                + String.join(",", logins) + " (granted by " + g.get().grantedBy() + " at " + g.get().grantedAt()
                + ")");
    }
}
