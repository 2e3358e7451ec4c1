package dev.postern.server;

import dev.postern.common.api.JoinTokenSummary;
import dev.postern.store.App;
import dev.postern.store.JoinTokenEntry;
import dev.postern.store.JoinTokenState;
import dev.postern.store.Org;
import dev.postern.store.Store;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Listing and revoking machine join tokens (owners and admins of the token's org). The secret is shown once at
 * creation and never again; neither it nor its hash leaves the server here.
 */
final class JoinTokenRoutes {
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AuditTrail audit;
    private final Clock clock;

    JoinTokenRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AuditTrail audit, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/v1/orgs/{org}/apps/{app}/join-tokens", ctx -> {
            OrgAccess.Scope scope = access.admin(auth.session(ctx), ctx.pathParam("org"), "list join tokens");
            App a = store.apps().byName(scope.org().id(), ctx.pathParam("app")).orElseThrow(() -> ApiException.notFound(
                    "app '" + ctx.pathParam("app") + "' not found in org '" + scope.org().name() + "'; see 'postern"
                            + " apps list --org " + scope.org().name() + "'"));
            Instant now = clock.instant();
            ctx.json(store.joinTokens().forApp(a.id()).stream().map(t -> summary(t, scope.org(), a.name(), now))
                    .toList());
        });
        app.delete("/v1/join-tokens/{id}", this::revoke);
    }

    private void revoke(Context ctx) {
        Caller caller = auth.session(ctx);
        String text = ctx.pathParam("id");
        if (!text.matches("[0-9]{1,18}")) {
            throw ApiException.badRequest("join token id '" + shorten(text) + "' is not a number; see the ids"
                    + " with 'postern tokens list --app APP'");
        }
        long id = Long.parseLong(text);
        ApiException unknown = ApiException.notFound("join token " + id + " not found, or not in an org you belong"
                + " to; see the ids with 'postern tokens list --app APP'");
        JoinTokenEntry entry = store.joinTokens().byId(id).orElseThrow(() -> unknown);
        Org org = store.orgs().byId(entry.token().orgId()).orElseThrow(() -> unknown);
        // a non-member gets the same 404 as for a token that does not exist: ids are not a way to probe orgs
        if (store.orgs().membership(org.id(), caller.person().id()).isEmpty()) {
            throw unknown;
        }
        OrgAccess.Scope scope = access.admin(caller, org.name(), "revoke join tokens");
        String app = appName(org.id(), entry.token().appId());
        Instant now = clock.instant();
        boolean revoked = store.inTransaction(tx -> {
            boolean changed = tx.joinTokens().revoke(id, now, caller.email());
            if (changed) {
                audit.record(tx, caller, scope.org().name(), "join-token.revoke", app,
                        "id=" + id + " uses left=" + entry.token().usesLeft());
            }
            return changed;
        });
        JoinTokenEntry after = store.joinTokens().byId(id).orElseThrow(() -> unknown);
        if (!revoked && after.revokedAt() != null) {
            throw ApiException.conflict("join token " + id + " was already revoked at " + after.revokedAt());
        }
        ctx.json(summary(after, org, app, now));
    }

    private static String shorten(String text) {
        return text.length() <= 24 ? text : text.substring(0, 24) + "...";
    }

    private String appName(long orgId, long appId) {
        return store.apps().forOrg(orgId).stream().filter(a -> a.id() == appId).map(App::name).findFirst()
                .orElse("?");
    }

    static JoinTokenSummary summary(JoinTokenEntry t, Org org, String app, Instant now) {
        return new JoinTokenSummary(t.id(), org.name(), app, t.token().usesLeft(), t.token().expiresAt(),
                t.token().createdBy(), t.token().createdAt(), t.state(now).wire());
    }

    /**
     * Why {@code POST /v1/join} refused a token whose use failed: revoked, expired or used up, each with the
     * command that makes a new one. A machine holding the token learns nothing it could not see already.
     */
    static ApiException refusal(Optional<JoinTokenEntry> entry, Instant now, String app) {
        String fix = "; create a new one with 'postern tokens create machine --app " + app + "'";
        if (entry.isEmpty()) {
            return ApiException.unauthorized("unknown join token" + fix);
        }
        JoinTokenEntry t = entry.get();
        JoinTokenState state = t.state(now);
        return ApiException.unauthorized(switch (state) {
            case REVOKED -> "this join token (id " + t.id() + ") was revoked at " + t.revokedAt() + fix;
            case EXPIRED -> "this join token (id " + t.id() + ") expired at " + t.token().expiresAt() + fix;
            case USED_UP -> "this join token (id " + t.id() + ") is used up: it admitted all the machines it was"
                    + " made for" + fix;
            // it was usable when read but not when used: another machine took the last use meanwhile
            case ACTIVE -> "this join token (id " + t.id() + ") was used up by another machine just now" + fix;
        });
    }
}
