package dev.postern.server;

import dev.postern.common.Untrusted;
import dev.postern.common.api.SecretsChangeRequest;
import dev.postern.common.api.SecretsView;
import dev.postern.store.App;
import dev.postern.store.Org;
import dev.postern.store.SecretChange;
import dev.postern.store.SecretVersions;
import dev.postern.store.Store;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * {@code /v1/orgs/{org}/apps/{app}/secrets}: list (names and digests, never values), change (set and unset as one
 * new version, deployed unless staged) and deploy. Owners and admins of the org only. Audit records name the
 * secrets and the version, never a value.
 */
final class SecretRoutes {
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AppSecrets secrets;
    private final AuditTrail audit;
    private final Clock clock;
    private final BiConsumer<String, String> deployed;

    /** @param deployed called with (org, app) after a new version was deployed, to tell the app's machines */
    SecretRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AppSecrets secrets, AuditTrail audit,
                 Clock clock, BiConsumer<String, String> deployed) {
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.deployed = deployed;
    }

    void register(Javalin app) {
        app.get("/v1/orgs/{org}/apps/{app}/secrets", ctx -> {
            OrgAccess.Scope scope = access.admin(auth.session(ctx), ctx.pathParam("org"), "list app secrets");
            App a = app(scope.org(), ctx.pathParam("app"));
            ctx.json(AppSecrets.view(scope.org().name(), a.name(), store.secrets().versions(a.id()),
                    store.secrets().history(a.id())));
        });
        app.post("/v1/orgs/{org}/apps/{app}/secrets", this::change);
        app.post("/v1/orgs/{org}/apps/{app}/secrets/deploy", this::deploy);
    }

    private void change(Context ctx) {
        Caller caller = auth.session(ctx);
        OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "change app secrets");
        App a = app(scope.org(), ctx.pathParam("app"));
        SecretsChangeRequest req = Bodies.read(ctx, SecretsChangeRequest.class);
        List<SecretChange> changes = new ArrayList<>();
        for (Map.Entry<String, String> e : req.set().entrySet()) {
            changes.add(secrets.seal(a.id(), AppSecrets.checkName(e.getKey()), e.getValue()));
        }
        for (String name : new TreeSet<>(req.unset())) {
            if (req.set().containsKey(AppSecrets.checkName(name))) {
                throw ApiException.badRequest("secret " + name + " is both set and unset; do one or the other");
            }
            changes.add(SecretChange.unset(name));
        }
        if (changes.isEmpty()) {
            throw ApiException.badRequest("nothing to change; give NAME=VALUE to set or NAME to unset");
        }
        List<String> unset = new ArrayList<>(new TreeSet<>(req.unset()));
        SecretsView view = store.inTransaction(tx -> {
            if (!unset.isEmpty()) {
                var current = AppSecrets.view(scope.org().name(), a.name(), tx.secrets().versions(a.id()),
                        tx.secrets().history(a.id())).secrets();
                for (String name : unset) {
                    if (current.stream().noneMatch(s -> s.name().equals(name) && !s.state().equals("staged-unset"))) {
                        throw ApiException.notFound("app '" + a.name() + "' has no secret " + name
                                + "; see 'postern secrets list --app " + a.name() + "'");
                    }
                }
            }
            AppSecrets.checkLimits(tx.secrets().history(a.id()), changes);
            long version = tx.secrets().append(a.id(), changes, caller.email(), clock.instant());
            SecretVersions now = req.stage() ? tx.secrets().versions(a.id()) : tx.secrets().deployLatest(a.id());
            audit.record(tx, caller, scope.org().name(), "secrets.change", a.name(),
                    detail(req.set().keySet(), unset, version) + (req.stage() ? " staged" : " deployed"));
            return AppSecrets.view(scope.org().name(), a.name(), now, tx.secrets().history(a.id()));
        });
        if (!req.stage()) {
            deployed.accept(scope.org().name(), a.name());
        }
        ctx.status(201).json(view);
    }

    private void deploy(Context ctx) {
        Caller caller = auth.session(ctx);
        OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "deploy app secrets");
        App a = app(scope.org(), ctx.pathParam("app"));
        SecretsView view = store.inTransaction(tx -> {
            SecretVersions before = tx.secrets().versions(a.id());
            if (before.latest() == 0) {
                throw ApiException.badRequest("app '" + a.name() + "' has no secrets to deploy; set one with"
                        + " 'postern secrets set --app " + a.name() + " NAME=VALUE'");
            }
            SecretVersions now = tx.secrets().deployLatest(a.id());
            audit.record(tx, caller, scope.org().name(), "secrets.deploy", a.name(),
                    "version=" + now.deployed() + " previous=" + before.deployed());
            return AppSecrets.view(scope.org().name(), a.name(), now, tx.secrets().history(a.id()));
        });
        deployed.accept(scope.org().name(), a.name());
        ctx.json(view);
    }

    /** Names and version only: an audit record never holds a value. */
    private static String detail(java.util.Set<String> set, List<String> unset, long version) {
        return "version=" + version + (set.isEmpty() ? "" : " set=" + String.join(",", set))
                + (unset.isEmpty() ? "" : " unset=" + String.join(",", unset));
    }

    private App app(Org org, String name) {
        return store.apps().byName(org.id(), name).orElseThrow(() -> ApiException.notFound(
                "app " + Untrusted.quote(name) + " not found in org '" + org.name() + "'; see 'postern apps list --org "
                        + org.name() + "'"));
    }
}
