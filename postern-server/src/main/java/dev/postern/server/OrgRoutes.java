package dev.postern.server;

import dev.postern.common.Logins;
import dev.postern.common.Role;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.OrgView;
import dev.postern.store.ConflictException;
import dev.postern.store.Org;
import dev.postern.store.Store;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Instant;

/** Orgs; their members are {@link MemberRoutes}'. */
final class OrgRoutes {
    private final Store store;
    private final TokenAuthenticator auth;
    private final AuditTrail audit;
    private final Clock clock;

    OrgRoutes(Store store, TokenAuthenticator auth, AuditTrail audit, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.audit = audit;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/v1/orgs", ctx -> {
            Caller caller = auth.session(ctx);
            ctx.json(store.orgs().forPerson(caller.person().id()).stream().map(o -> view(o, caller)).toList());
        });
        app.post("/v1/orgs", ctx -> {
            Caller caller = auth.session(ctx);
            CreateOrgRequest req = Bodies.read(ctx, CreateOrgRequest.class);
            String name = Names.check("org", req.name());
            Instant now = clock.instant();
            Org org = store.inTransaction(tx -> {
                Org created;
                try {
                    created = tx.orgs().create(name, now);
                } catch (ConflictException e) {
                    throw ApiException.conflict("org '" + name + "' already exists; pick another name");
                }
                // the creator's own login when their e-mail gives a usable one; an owner may have none (root)
                tx.orgs().addMember(created.id(), caller.person().id(), Role.OWNER,
                        Logins.proposal(caller.email()).orElse(null), now);
                audit.record(tx, caller, name, "org.create", name, "creator is owner");
                return created;
            });
            ctx.status(201).json(new OrgView(org.name(), Role.OWNER.wire(), org.createdAt(), false));
        });
    }

    private OrgView view(Org o, Caller caller) {
        String role = store.orgs().membership(o.id(), caller.person().id()).map(m -> m.role().wire()).orElse("member");
        return new OrgView(o.name(), role, o.createdAt(), store.authorities().forOrg(o.id()).isPresent());
    }
}
