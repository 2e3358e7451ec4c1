package dev.postern.server;

import dev.postern.common.Untrusted;
import dev.postern.common.api.AuditView;
import dev.postern.store.Store;
import io.javalin.Javalin;

/** Reading the audit trail: an org's owners and admins see their org; the server admin sees everything. */
final class AuditRoutes {
    private static final int MAX_LIMIT = 1000;
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final long adminPersonId;

    AuditRoutes(Store store, TokenAuthenticator auth, OrgAccess access, long adminPersonId) {
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.adminPersonId = adminPersonId;
    }

    void register(Javalin app) {
        app.get("/v1/audit", ctx -> {
            Caller caller = auth.session(ctx);
            String org = ctx.queryParam("org");
            int limit = limit(ctx.queryParam("limit"));
            if (org == null || org.isBlank()) {
                if (caller.person().id() != adminPersonId) {
                    throw ApiException.forbidden("only the server admin may read every org's audit log; pass --org ORG");
                }
                org = null;
            } else {
                access.admin(caller, org, "read the audit log");
            }
            ctx.json(store.audit().list(org, limit).stream().map(e -> new AuditView(e.id(), e.at(), e.actor(), e.org(),
                    e.action(), e.target(), e.source(), e.detail())).toList());
        });
    }

    private static int limit(String text) {
        if (text == null) {
            return 100;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw ApiException.badRequest("limit " + Untrusted.quote(text) + " is not valid; use 1 to " + MAX_LIMIT);
    }
}
