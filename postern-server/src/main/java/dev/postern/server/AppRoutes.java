package dev.postern.server;

import dev.postern.common.api.AppView;
import dev.postern.common.api.CreateAppRequest;
import dev.postern.store.App;
import dev.postern.store.ConflictException;
import dev.postern.store.Store;
import io.javalin.Javalin;
import java.time.Clock;

/** Apps within an org. */
final class AppRoutes {
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AuditTrail audit;
    private final Clock clock;

    AppRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AuditTrail audit, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/v1/orgs/{org}/apps", ctx -> {
            OrgAccess.Scope scope = access.member(auth.session(ctx), ctx.pathParam("org"));
            ctx.json(store.apps().forOrg(scope.org().id()).stream()
                    .map(a -> new AppView(scope.org().name(), a.name(), a.createdAt())).toList());
        });
        app.post("/v1/orgs/{org}/apps", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "create apps");
            String name = Names.check("app", Bodies.read(ctx, CreateAppRequest.class).name());
            App created = store.inTransaction(tx -> {
                App a;
                try {
                    a = tx.apps().create(scope.org().id(), name, clock.instant());
                } catch (ConflictException e) {
                    throw ApiException.conflict("app '" + name + "' already exists in org '" + scope.org().name() + "'");
                }
                audit.record(tx, caller, scope.org().name(), "app.create", name, null);
                return a;
            });
            ctx.status(201).json(new AppView(scope.org().name(), created.name(), created.createdAt()));
        });
    }
}
