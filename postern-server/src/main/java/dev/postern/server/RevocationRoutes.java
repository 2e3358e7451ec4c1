package dev.postern.server;

import dev.postern.common.api.RevokeRequest;
import dev.postern.common.api.RevokeResponse;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.Org;
import dev.postern.store.OrgAuthority;
import dev.postern.store.Person;
import dev.postern.store.Store;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Revoking certificates, and serving the revocations as JSON and as an OpenSSH KRL. Both reads are public
 * (like X.509 CRLs) so that machines running stock sshd can fetch {@code RevokedKeys} with curl.
 */
final class RevocationRoutes {
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AuditTrail audit;
    private final Clock clock;
    private final java.util.function.Consumer<String> changed;

    RevocationRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AuditTrail audit, Clock clock,
                     java.util.function.Consumer<String> changed) {
        this.changed = changed;
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.post("/v1/orgs/{org}/revocations", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.member(caller, ctx.pathParam("org"));
            RevokeRequest req = Bodies.read(ctx, RevokeRequest.class);
            if ((req.serial() == null) == (req.email() == null || req.email().isBlank())) {
                throw ApiException.badRequest("pass exactly one of --serial N and --email E");
            }
            RevokeResponse revoked = req.serial() != null ? bySerial(caller, scope, req.serial())
                    : byEmail(caller, scope, req.email());
            if (!revoked.serials().isEmpty()) {
                changed.accept(scope.org().name());
            }
            ctx.json(revoked);
        });
        app.get("/v1/orgs/{org}/revocations", ctx -> {
            // the log entries name people and keys: members only (the KRL below stays public, serials only)
            OrgAccess.Scope scope = access.member(auth.session(ctx), ctx.pathParam("org"));
            ctx.json(CertificateRoutes.views(store, scope.org().id(), store.certificates().revoked(scope.org().id())));
        });
        app.get("/v1/orgs/{org}/revocations.krl", ctx -> {
            Org org = CaRoutes.publicOrg(store, ctx.pathParam("org"));
            OrgAuthority ca = store.authorities().forOrg(org.id()).orElseThrow(() -> CaRoutes.noCa(org.name()));
            ctx.contentType("application/octet-stream").result(OrgKrl.build(store, org.name(), ca));
        });
    }

    private RevokeResponse bySerial(Caller caller, OrgAccess.Scope scope, long serial) {
        IssuedCertificate cert = store.certificates().bySerial(scope.org().id(), serial).orElseThrow(
                () -> ApiException.notFound("no certificate with serial " + serial + " in org '" + scope.org().name()
                        + "'; see 'postern ssh log " + scope.org().name() + "'"));
        if (!scope.admin() && cert.personId() != caller.person().id()) {
            throw ApiException.forbidden("members may revoke only their own certificates; serial " + serial
                    + " belongs to someone else");
        }
        Instant now = clock.instant();
        return store.inTransaction(tx -> {
            int n = tx.certificates().revokeSerial(scope.org().id(), serial, now, caller.email());
            if (n > 0) {
                audit.record(tx, caller, scope.org().name(), "certificate.revoke", cert.keyId(), "serial=" + serial);
            }
            return new RevokeResponse(n > 0 ? List.of(serial) : List.of());
        });
    }

    private RevokeResponse byEmail(Caller caller, OrgAccess.Scope scope, String rawEmail) {
        String email = Bodies.email(rawEmail);
        if (!scope.admin() && !email.equals(caller.email())) {
            throw ApiException.forbidden("members may revoke only their own certificates");
        }
        Person person = store.people().byEmail(email).orElseThrow(() -> ApiException.notFound(
                "'" + email + "' has no certificates in org '" + scope.org().name() + "'"));
        Instant now = clock.instant();
        return store.inTransaction(tx -> {
            List<Long> before = tx.certificates().forOrg(scope.org().id()).stream()
                    .filter(c -> c.personId() == person.id() && !c.revoked()).map(IssuedCertificate::serial).toList();
            tx.certificates().revokePerson(scope.org().id(), person.id(), now, caller.email());
            audit.record(tx, caller, scope.org().name(), "certificate.revoke", email, "serials=" + before);
            return new RevokeResponse(before);
        });
    }
}
