package dev.postern.server;

import dev.postern.common.Untrusted;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.EstablishRequest;
import dev.postern.store.Org;
import dev.postern.store.OrgAuthority;
import dev.postern.store.Store;
import io.javalin.Javalin;
import java.util.Optional;
import java.util.function.Consumer;

/** {@code postern ssh establish}: creating (or, when asked, replacing) an org's CA, and reading its public keys. */
final class CaRoutes {
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final Authorities authorities;
    private final AuditTrail audit;
    private final Consumer<String> changed;

    /** {@code changed} gets the org's name after its CA was replaced, to tell the gateway and machines. */
    CaRoutes(Store store, TokenAuthenticator auth, OrgAccess access, Authorities authorities, AuditTrail audit,
             Consumer<String> changed) {
        this.changed = changed;
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.authorities = authorities;
        this.audit = audit;
    }

    void register(Javalin app) {
        app.post("/v1/orgs/{org}/ca", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "establish the SSH CA");
            boolean override = ctx.body().isBlank() ? false : Bodies.read(ctx, EstablishRequest.class).override();
            Org org = scope.org();
            OrgAuthority fresh = authorities.generate(org.id());
            boolean replaced = store.inTransaction(tx -> {
                boolean exists = tx.authorities().forOrg(org.id()).isPresent();
                if (exists && !override) {
                    throw ApiException.conflict("org '" + org.name() + "' already has an SSH CA. Replacing it"
                            + " revokes every certificate issued so far and invalidates every machine's host"
                            + " certificate (machines must join again); running agents pick up the new user CA by"
                            + " themselves. Pass --override to replace it anyway");
                }
                tx.authorities().put(fresh);
                audit.record(tx, caller, org.name(), exists ? "ca.replace" : "ca.establish", org.name(),
                        "user CA " + fresh.userCaPublicKey() + "; host CA " + fresh.hostCaPublicKey());
                return exists;
            });
            changed.accept(org.name());
            ctx.status(201).json(view(org, fresh, replaced));
        });
        app.get("/v1/orgs/{org}/ca", ctx -> {
            Org org = publicOrg(store, ctx.pathParam("org"));
            Optional<OrgAuthority> a = store.authorities().forOrg(org.id());
            ctx.json(view(org, a.orElseThrow(() -> noCa(org.name())), false));
        });
    }

    static Org publicOrg(Store store, String name) {
        return store.orgs().byName(name).orElseThrow(() -> ApiException.notFound("org " + Untrusted.quote(name)
                + " not found"));
    }

    static ApiException noCa(String org) {
        return ApiException.precondition("org '" + org + "' has no SSH CA yet; create it with 'postern ssh establish "
                + org + "'");
    }

    private static AuthorityView view(Org org, OrgAuthority a, boolean replaced) {
        return new AuthorityView(org.name(), a.userCaPublicKey(), a.hostCaPublicKey(), a.createdAt(), replaced);
    }
}
