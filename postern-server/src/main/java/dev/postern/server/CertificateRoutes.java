package dev.postern.server;

import dev.postern.common.api.CertificateView;
import dev.postern.common.api.IssueRequest;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.Membership;
import dev.postern.store.Store;
import io.javalin.Javalin;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Issuing certificates and reading the certificate log. */
final class CertificateRoutes {
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final CertificateIssuer issuer;

    CertificateRoutes(Store store, TokenAuthenticator auth, OrgAccess access, CertificateIssuer issuer) {
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.issuer = issuer;
    }

    void register(Javalin app) {
        app.post("/v1/orgs/{org}/certificates", ctx -> {
            try (IssuanceLog.Reservation reservation = issuer.reserve()) {
                OrgCall call = auth.sessionIn(ctx, ctx.pathParam("org"));
                IssueRequest req = Bodies.read(ctx, IssueRequest.class);
                ctx.status(201).json(issuer.issue(call, req, reservation));
            }
        });
        app.get("/v1/orgs/{org}/certificates", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.member(caller, ctx.pathParam("org"));
            List<IssuedCertificate> all = store.certificates().forOrg(scope.org().id());
            ctx.json(views(store, scope.org().id(), all.stream()
                    .filter(c -> scope.admin() || c.personId() == caller.person().id()).toList()));
        });
    }

    /** Log entries with the subject's e-mail, looked up once per listing. */
    static List<CertificateView> views(Store store, long orgId, List<IssuedCertificate> certs) {
        Map<Long, String> emails = store.orgs().members(orgId).stream()
                .collect(Collectors.toMap(Membership::personId, Membership::email));
        return certs.stream().map(c -> CertificateIssuer.view(c, emails.computeIfAbsent(c.personId(),
                id -> store.people().byId(id).map(p -> p.email()).orElse("(deleted)")))).toList();
    }
}
