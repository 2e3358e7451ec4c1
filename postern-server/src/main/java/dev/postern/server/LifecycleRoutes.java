package dev.postern.server;

import dev.postern.common.Role;
import dev.postern.store.App;
import dev.postern.store.Machine;
import dev.postern.store.Org;
import dev.postern.store.Store;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends things: removes a machine (its host key revoked for good, its tunnel and the sessions through it closed),
 * deletes an app or an org (only when empty, or with {@code force=true}, which removes their machines first).
 * Every change is audited in the same transaction; the gateway hears of it after the commit.
 */
final class LifecycleRoutes {
    /** What the gateway must do after a commit; {@link GatewayLink} implements it. */
    interface Hooks {
        /** The machine was removed: close its tunnel and the sessions through it, refuse it from now on. */
        void machineRemoved(String org, String machineId);

        /** The org and its CA are gone: end every connection of it. */
        void orgDeleted(String org);
    }

    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AuditTrail audit;
    private final Clock clock;
    private final Hooks hooks;

    LifecycleRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AuditTrail audit, Clock clock, Hooks hooks) {
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.hooks = hooks;
    }

    void register(Javalin app) {
        app.delete("/v1/orgs/{org}/apps/{app}/machines/{id}", this::removeMachine);
        app.delete("/v1/orgs/{org}/apps/{app}", this::deleteApp);
        app.delete("/v1/orgs/{org}", this::deleteOrg);
    }

    private void removeMachine(Context ctx) {
        Caller caller = auth.session(ctx);
        OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "remove machines");
        App a = app(scope.org(), ctx.pathParam("app"));
        String id = ctx.pathParam("id");
        Machine m = store.machines().byId(id).filter(x -> x.appId() == a.id()).orElseThrow(() -> ApiException.notFound(
                "no machine '" + Names.printable(id) + "' in app '" + a.name() + "'; see 'postern machines list --app "
                        + a.name() + "'"));
        if (m.removed()) {
            throw ApiException.conflict("machine " + id + " was already removed at " + m.removedAt());
        }
        store.inTransaction(tx -> {
            remove(tx, caller, scope.org(), a, m, clock.instant(), "");
            return null;
        });
        hooks.machineRemoved(scope.org().name(), id);
        ctx.status(204);
    }

    private void deleteApp(Context ctx) {
        Caller caller = auth.session(ctx);
        OrgAccess.Scope scope = owner(caller, ctx.pathParam("org"), "delete apps");
        App a = app(scope.org(), ctx.pathParam("app"));
        boolean force = force(ctx);
        List<String> removed = store.inTransaction(tx -> deleteApp(tx, caller, scope.org(), a, force));
        removed.forEach(id -> hooks.machineRemoved(scope.org().name(), id));
        ctx.status(204);
    }

    private void deleteOrg(Context ctx) {
        Caller caller = auth.session(ctx);
        OrgAccess.Scope scope = owner(caller, ctx.pathParam("org"), "delete it");
        Org org = scope.org();
        boolean force = force(ctx);
        List<String> removed = store.inTransaction(tx -> {
            List<App> apps = tx.apps().forOrg(org.id());
            if (!apps.isEmpty() && !force) {
                throw ApiException.conflict("org '" + org.name() + "' still has " + apps.size() + " app(s) ("
                        + String.join(", ", apps.stream().map(App::name).toList()) + "); delete them first"
                        + " ('postern apps delete APP --org " + org.name() + "') or pass --force, which removes their"
                        + " machines too");
            }
            List<String> ids = new ArrayList<>();
            for (App a : apps) {
                ids.addAll(deleteApp(tx, caller, org, a, true));
            }
            tx.orgs().delete(org.id());
            audit.record(tx, caller, org.name(), "org.delete", org.name(),
                    (force ? "forced; " : "") + apps.size() + " app(s), " + ids.size() + " machine(s) removed");
            return ids;
        });
        removed.forEach(id -> hooks.machineRemoved(org.name(), id));
        hooks.orgDeleted(org.name());
        ctx.status(204);
    }

    /** Deletes one app in {@code tx}; returns the ids of the machines it removed. */
    private List<String> deleteApp(Store tx, Caller caller, Org org, App a, boolean force) {
        List<Machine> live = tx.machines().forApp(a.id()).stream().filter(m -> !m.removed()).toList();
        if (!live.isEmpty() && !force) {
            throw ApiException.conflict("app '" + a.name() + "' still has " + live.size() + " machine(s); remove them"
                    + " first ('postern machines remove ID --app " + a.name() + "') or pass --force, which removes them");
        }
        Instant now = clock.instant();
        List<String> ids = new ArrayList<>();
        for (Machine m : live) {
            remove(tx, caller, org, a, m, now, "app deleted; ");
            ids.add(m.id());
        }
        tx.machines().deleteForApp(a.id());
        tx.apps().delete(a.id());
        audit.record(tx, caller, org.name(), "app.delete", a.name(),
                (force ? "forced; " : "") + ids.size() + " machine(s) removed");
        return ids;
    }

    private void remove(Store tx, Caller caller, Org org, App a, Machine m, Instant now, String why) {
        if (!tx.machines().remove(m.id(), now, caller.email(), a.name())) {
            throw ApiException.conflict("machine " + m.id() + " was removed meanwhile");
        }
        audit.record(tx, caller, org.name(), "machine.remove", m.id() + ".vm." + a.name() + ".internal",
                why + "host key " + m.hostKeyFingerprint() + " revoked");
    }

    private OrgAccess.Scope owner(Caller caller, String orgName, String action) {
        OrgAccess.Scope scope = access.member(caller, orgName);
        if (scope.membership().role() != Role.OWNER) {
            throw ApiException.forbidden("only owners of org '" + orgName + "' may " + action + "; you are a "
                    + scope.membership().role().wire());
        }
        return scope;
    }

    private static boolean force(Context ctx) {
        return "true".equals(ctx.queryParam("force"));
    }

    private App app(Org org, String name) {
        return store.apps().byName(org.id(), name).orElseThrow(() -> ApiException.notFound("app '" + Names.printable(name)
                + "' not found in org '" + org.name() + "'; see 'postern apps list --org " + org.name() + "'"));
    }
}
