package dev.postern.server;

import dev.postern.common.Role;
import dev.postern.common.api.InviteResponse;
import dev.postern.store.ApiToken;
import dev.postern.store.Membership;
import dev.postern.store.Org;
import dev.postern.store.Person;
import dev.postern.store.Store;
import dev.postern.store.TokenKind;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code POST /v1/orgs/{org}/members/{email}/invite}: a fresh one-time login token for an existing member who lost
 * their login (new laptop, logged out). Certificates are not touched.
 *
 * <p>A login token is the person's whole account, in every org they belong to, so it is only handed to someone
 * who could already act for them everywhere: an owner or admin of EVERY org the person belongs to (an owner
 * where the person is an owner); the server admin only by themselves, and being server admin gives no right
 * over other people. Anyone else gets 403 and the
 * person is sent to log in themselves, or to the server operator ({@code postern server admin-token --email}).
 */
final class MemberInviteRoutes {
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AuditTrail audit;
    private final Secrets secrets;
    private final Clock clock;
    private final long serverAdminId;

    MemberInviteRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AuditTrail audit, Secrets secrets,
                       Clock clock, long serverAdminId) {
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
        this.serverAdminId = serverAdminId;
    }

    void register(Javalin app) {
        app.post("/v1/orgs/{org}/members/{email}/invite", this::invite);
    }

    private void invite(Context ctx) {
        Caller caller = auth.session(ctx);
        OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "invite members again");
        String email = Bodies.email(ctx.pathParam("email"));
        String notMember = "'" + email + "' is not a member of org '" + scope.org().name() + "'; add them with"
                + " 'postern members add --org " + scope.org().name() + " --email " + email + "'";
        Person person = store.people().byEmail(email).orElseThrow(() -> ApiException.notFound(notMember));
        store.orgs().membership(scope.org().id(), person.id()).orElseThrow(() -> ApiException.notFound(notMember));
        checkMayActFor(caller, person);
        String token = secrets.newToken();
        Instant now = clock.instant();
        Instant expires = now.plus(MemberRoutes.INVITE_TTL);
        store.inTransaction(tx -> {
            tx.tokens().create(new ApiToken(Secrets.hash(token), person.id(), TokenKind.INVITE, now, expires, null));
            audit.record(tx, caller, scope.org().name(), "member.invite", email,
                    "one-time login token issued, expires " + expires + "; certificates untouched");
            return null;
        });
        ctx.status(201).json(new InviteResponse(email, token, expires));
    }

    private void checkMayActFor(Caller caller, Person person) {
        if (person.id() == caller.person().id()) {
            return;
        }
        String refusal = "you may not make a login token for '" + person.email() + "': it would let you act as them";
        if (person.id() == serverAdminId && caller.person().id() != serverAdminId) {
            throw ApiException.forbidden(refusal + " as server admin; the server operator can run 'postern server"
                    + " admin-token --email " + person.email() + "' on the server host");
        }
        for (Org org : store.orgs().forPerson(person.id())) {
            Role theirs = store.orgs().membership(org.id(), person.id()).map(Membership::role).orElse(Role.MEMBER);
            Role mine = store.orgs().membership(org.id(), caller.person().id()).map(Membership::role).orElse(null);
            boolean may = mine != null && mine.isAdmin() && (theirs != Role.OWNER || mine == Role.OWNER);
            if (!may) {
                // the org is not named: the caller may not be a member of it
                throw ApiException.forbidden(refusal + " in an org where you are not their owner or admin;"
                        + " they can log in again with a token from an admin of all their orgs, or from the server"
                        + " operator ('postern server admin-token --email " + person.email() + "')");
            }
        }
    }
}
