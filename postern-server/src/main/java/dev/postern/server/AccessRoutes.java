package dev.postern.server;

import dev.postern.common.Role;
import dev.postern.common.Untrusted;
import dev.postern.common.api.AccessCheckRequest;
import dev.postern.common.api.AccessCheckView;
import dev.postern.common.api.AccessGrantView;
import dev.postern.common.api.GrantAccessRequest;
import dev.postern.common.api.RevokeAccessResponse;
import dev.postern.store.AccessGrant;
import dev.postern.store.App;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.Machine;
import dev.postern.store.Membership;
import dev.postern.store.Org;
import dev.postern.store.Person;
import dev.postern.store.Store;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Access grants: which member may SSH to which app as which logins ({@code postern access grant|revoke|list|check}).
 * Granting and revoking are for owners and admins and are audited; a change is pushed to the gateway at once
 * ({@code changed}), which ends live connections a revocation no longer allows. Revoking a grant also revokes the
 * member's live certificates in the org, so that agents reached without the gateway refuse them too (the member
 * issues new ones for the apps they still hold).
 */
final class AccessRoutes {
    /** What the API tells the gateway: grants of {@code org} changed (returns the connections it ended). */
    interface Hooks {
        int accessChanged(String org);

        void revocationsChanged(String org);
    }

    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AuditTrail audit;
    private final Clock clock;
    private final Hooks hooks;

    AccessRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AuditTrail audit, Clock clock, Hooks hooks) {
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.hooks = hooks;
    }

    void register(Javalin app) {
        app.get("/v1/orgs/{org}/access", ctx -> {
            OrgAccess.Scope scope = access.member(auth.session(ctx), ctx.pathParam("org"));
            ctx.json(visible(scope, store.accessGrants().forOrg(scope.org().id())));
        });
        app.get("/v1/orgs/{org}/apps/{app}/access", ctx -> {
            OrgAccess.Scope scope = access.member(auth.session(ctx), ctx.pathParam("org"));
            App a = app(scope.org(), ctx.pathParam("app"));
            ctx.json(visible(scope, store.accessGrants().forOrg(scope.org().id()).stream()
                    .filter(g -> g.appId() == a.id()).toList()));
        });
        app.post("/v1/orgs/{org}/apps/{app}/access", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "grant access to apps");
            App a = app(scope.org(), ctx.pathParam("app"));
            GrantAccessRequest req = Bodies.read(ctx, GrantAccessRequest.class);
            ctx.json(view(scope.org(), grant(caller, scope, a, req)));
            hooks.accessChanged(scope.org().name()); // the gateway drops its cached grants of the org
        });
        app.delete("/v1/orgs/{org}/apps/{app}/access/{email}", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "revoke access to apps");
            App a = app(scope.org(), ctx.pathParam("app"));
            ctx.json(revoke(caller, scope, a, Bodies.email(ctx.pathParam("email"))));
        });
        app.post("/v1/orgs/{org}/apps/{app}/access/check", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.member(caller, ctx.pathParam("org"));
            App a = app(scope.org(), ctx.pathParam("app"));
            AccessCheckRequest req = Bodies.read(ctx, AccessCheckRequest.class);
            ctx.json(check(caller, scope, a, req));
        });
    }

    private AccessGrant grant(Caller caller, OrgAccess.Scope scope, App app, GrantAccessRequest req) {
        String org = scope.org().name();
        if (req.email() == null || req.email().isBlank()) {
            throw ApiException.badRequest("email is required: the member to grant access to (--email E)");
        }
        String email = Bodies.email(req.email());
        Membership target = member(scope.org(), email);
        List<String> logins = logins(req.logins());
        // another member's own login would let this one act as them on every machine of the app
        for (Membership other : store.orgs().members(scope.org().id())) {
            if (other.personId() != target.personId() && other.login() != null && logins.contains(other.login())) {
                throw ApiException.badRequest("login '" + other.login() + "' is " + other.email() + "'s own login in"
                        + " org '" + org + "' and cannot be granted to " + email + "; grant a shared account such as"
                        + " 'app' or " + email + "'s own login" + (target.login() == null ? "" : " '" + target.login()
                        + "'"));
            }
        }
        Instant now = clock.instant();
        Granted granted = store.inTransaction(tx -> {
            Optional<AccessGrant> before = tx.accessGrants().find(app.id(), target.personId());
            AccessGrant g = tx.accessGrants().put(scope.org().id(), app.id(), target.personId(), logins,
                    caller.email(), now);
            // a login taken away must not live on in certificates that carry it (agents reached directly)
            boolean narrowed = before.isPresent() && !logins.containsAll(before.get().logins());
            List<Long> revoked = narrowed && target.role() == Role.MEMBER
                    ? revokeLive(tx, scope.org().id(), target.personId(), now, caller.email()) : List.of();
            audit.record(tx, caller, org, "access.grant", email, "app=" + app.name() + " logins="
                    + String.join(",", logins) + before.map(b -> " (was " + String.join(",", b.logins()) + ")")
                    .orElse("") + (target.role().isAdmin() ? " (role " + target.role().wire()
                    + " reaches every app anyway)" : "") + (revoked.isEmpty() ? "" : "; certificates revoked="
                    + revoked));
            return new Granted(g, revoked);
        });
        if (!granted.revoked().isEmpty()) {
            hooks.revocationsChanged(org);
        }
        return granted.grant();
    }

    private record Granted(AccessGrant grant, List<Long> revoked) {
    }

    /** Revokes the person's unexpired, unrevoked certificates in the org; their serials. */
    private static List<Long> revokeLive(Store tx, long orgId, long personId, Instant now, String by) {
        List<Long> live = tx.certificates().forOrg(orgId).stream()
                .filter(c -> c.personId() == personId && !c.revoked() && c.validBefore().isAfter(now))
                .map(IssuedCertificate::serial).toList();
        for (long s : live) {
            tx.certificates().revokeSerial(orgId, s, now, by);
        }
        return live;
    }

    private RevokeAccessResponse revoke(Caller caller, OrgAccess.Scope scope, App app, String email) {
        String org = scope.org().name();
        Person person = store.people().byEmail(email).orElseThrow(() -> noGrant(org, app, email));
        Instant now = clock.instant();
        List<Long> serials = store.inTransaction(tx -> {
            if (!tx.accessGrants().revoke(app.id(), person.id())) {
                throw noGrant(org, app, email);
            }
            Optional<Membership> m = tx.orgs().membership(scope.org().id(), person.id());
            // certificates name the apps they were issued for; revoking them all keeps agents reached directly
            // (no gateway in between) from taking one for this app
            List<Long> live = m.isPresent() && m.get().role() == Role.MEMBER
                    ? revokeLive(tx, scope.org().id(), person.id(), now, caller.email()) : List.of();
            audit.record(tx, caller, org, "access.revoke", email, "app=" + app.name() + "; certificates revoked="
                    + live);
            return live;
        });
        int ended = hooks.accessChanged(org); // first: the gateway says why ("access to app ... was revoked")
        if (!serials.isEmpty()) {
            hooks.revocationsChanged(org);
        }
        return new RevokeAccessResponse(app.name(), email, serials, ended);
    }

    private AccessCheckView check(Caller caller, OrgAccess.Scope scope, App app, AccessCheckRequest req) {
        String org = scope.org().name();
        String email = req.email() == null || req.email().isBlank() ? caller.email() : Bodies.email(req.email());
        if (!scope.admin() && !email.equals(caller.email())) {
            throw ApiException.forbidden("members may check only their own access; leave --email out");
        }
        if (req.login() == null || req.login().isBlank()) {
            throw ApiException.badRequest("login is required: the account to check (--login L)");
        }
        String login = req.login().trim();
        Optional<Person> person = store.people().byEmail(email);
        Optional<Membership> m = person.flatMap(p -> store.orgs().membership(scope.org().id(), p.id()));
        if (m.isEmpty()) {
            return new AccessCheckView(false, email + " is not a member of org " + org);
        }
        if (req.machine() != null && !req.machine().isBlank()) {
            Optional<Machine> machine = store.machines().byId(req.machine().trim());
            if (machine.isEmpty() || machine.get().appId() != app.id()) {
                return new AccessCheckView(false, "no machine " + Untrusted.quote(req.machine().trim()) + " in app "
                        + app.name() + "; see 'postern machines list --app " + app.name() + "'");
            }
        }
        AccessPolicy.Decision d = AccessPolicy.decide(store, org, m.get(), app, login);
        return new AccessCheckView(d.allowed(), d.reason());
    }

    /** Owners and admins see every grant; a member sees their own. */
    private static List<AccessGrantView> visible(OrgAccess.Scope scope, List<AccessGrant> grants) {
        return grants.stream().filter(g -> scope.admin() || g.personId() == scope.membership().personId())
                .map(g -> view(scope.org(), g)).toList();
    }

    static AccessGrantView view(Org org, AccessGrant g) {
        return new AccessGrantView(org.name(), g.app(), g.email(), g.logins(), g.grantedBy(), g.grantedAt());
    }

    private static List<String> logins(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw ApiException.badRequest("logins is required: the accounts the member may use (--logins app,deploy)");
        }
        List<String> out = new ArrayList<>();
        for (String l : requested) {
            String name = MemberLogins.check(l); // valid, and never root or a system account
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (out.size() > 16) {
            throw ApiException.badRequest("a grant holds at most 16 logins, not " + out.size());
        }
        return out;
    }

    private Membership member(Org org, String email) {
        String notMember = "'" + email + "' is not a member of org '" + org.name() + "'; add them with 'postern"
                + " members add --org " + org.name() + " --email " + email + "'";
        Person p = store.people().byEmail(email).orElseThrow(() -> ApiException.notFound(notMember));
        return store.orgs().membership(org.id(), p.id()).orElseThrow(() -> ApiException.notFound(notMember));
    }

    private App app(Org org, String name) {
        return store.apps().byName(org.id(), name).orElseThrow(() -> ApiException.notFound(
                "app " + Untrusted.quote(name) + " not found in org '" + org.name() + "'; see 'postern apps list --org "
                        + org.name() + "'"));
    }

    private static ApiException noGrant(String org, String app, String email) {
        return ApiException.notFound("'" + email + "' has no grant on app '" + app + "' in org '" + org + "'; see"
                + " 'postern access list --org " + org + " --app " + app + "'");
    }

    private static ApiException noGrant(String org, App app, String email) {
        return noGrant(org, app.name(), email);
    }
}
