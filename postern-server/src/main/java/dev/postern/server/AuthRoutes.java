package dev.postern.server;

import dev.postern.common.api.LoginResponse;
import dev.postern.common.api.OrgRole;
import dev.postern.common.api.WhoAmI;
import dev.postern.store.ApiToken;
import dev.postern.store.Store;
import dev.postern.store.TokenKind;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Login (one-time token to session token), logout and whoami. */
final class AuthRoutes {
    static final Duration SESSION_TTL = Duration.ofDays(30);
    private final Store store;
    private final TokenAuthenticator auth;
    private final AuditTrail audit;
    private final Secrets secrets;
    private final Clock clock;

    private final AdminTokenRedeemer redeemer;
    private final java.nio.file.Path dataDir;

    AuthRoutes(Store store, TokenAuthenticator auth, AuditTrail audit, Secrets secrets, Clock clock,
               AdminTokenRedeemer redeemer, java.nio.file.Path dataDir) {
        this.redeemer = redeemer;
        this.dataDir = dataDir;
        this.store = store;
        this.auth = auth;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.post("/v1/auth/login", ctx -> {
            redeemer.redeem(ctx);
            Caller caller = auth.oneTime(ctx);
            String token = secrets.newToken();
            Instant now = clock.instant();
            Instant expires = now.plus(SESSION_TTL);
            store.inTransaction(tx -> {
                auth.consume(tx, caller);
                tx.tokens().create(new ApiToken(Secrets.hash(token), caller.person().id(), TokenKind.SESSION, now,
                        expires, null));
                audit.record(tx, caller, null, "token.login", caller.email(), "session token issued");
                return null;
            });
            Bootstrap.forgetIfUsed(dataDir, caller.tokenHash());
            ctx.json(new LoginResponse(caller.email(), token, expires));
        });
        app.post("/v1/auth/logout", ctx -> {
            Caller caller = auth.session(ctx);
            store.inTransaction(tx -> {
                tx.tokens().delete(caller.tokenHash());
                audit.record(tx, caller, null, "token.logout", caller.email(), "session token deleted");
                return null;
            });
            ctx.status(204);
        });
        app.get("/v1/whoami", ctx -> {
            Caller caller = auth.session(ctx);
            List<OrgRole> orgs = store.orgs().forPerson(caller.person().id()).stream()
                    .map(o -> store.orgs().membership(o.id(), caller.person().id()).map(m -> new OrgRole(o.name(),
                            m.role().wire(), CertificateIssuer.defaultLogin(m))).orElse(null))
                    .filter(java.util.Objects::nonNull)
                    .toList();
            ctx.json(new WhoAmI(caller.email(), orgs));
        });
    }
}
