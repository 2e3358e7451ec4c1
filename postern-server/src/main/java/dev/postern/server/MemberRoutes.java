package dev.postern.server;

import dev.postern.common.Role;
import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.AddMemberResponse;
import dev.postern.common.api.MemberView;
import dev.postern.common.api.RemoveMemberResponse;
import dev.postern.common.api.SetMemberRequest;
import dev.postern.store.ApiToken;
import dev.postern.store.ConflictException;
import dev.postern.store.LoginTakenException;
import dev.postern.store.Membership;
import dev.postern.store.Person;
import dev.postern.store.Store;
import dev.postern.store.TokenKind;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** An org's members: who belongs, with which role and which login (the account their certificates carry). */
final class MemberRoutes {
    static final Duration INVITE_TTL = Duration.ofDays(7);
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AuditTrail audit;
    private final Secrets secrets;
    private final Clock clock;
    private final Consumer<String> revocationsChanged;
    private final Offboarding offboarding;

    MemberRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AuditTrail audit, Secrets secrets, Clock clock,
                 Consumer<String> revocationsChanged, Offboarding offboarding) {
        this.offboarding = offboarding;
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
        this.revocationsChanged = revocationsChanged;
    }

    void register(Javalin app) {
        app.get("/v1/orgs/{org}/members", ctx -> {
            OrgAccess.Scope scope = access.member(auth.session(ctx), ctx.pathParam("org"));
            ctx.json(store.orgs().members(scope.org().id()).stream().map(MemberRoutes::view).toList());
        });
        app.post("/v1/orgs/{org}/members", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "add members");
            AddMemberRequest req = Bodies.read(ctx, AddMemberRequest.class);
            ctx.status(201).json(add(caller, scope, req));
        });
        Handler setLogin = ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "change members' logins");
            String email = Bodies.email(ctx.pathParam("email"));
            SetMemberRequest req = Bodies.read(ctx, SetMemberRequest.class);
            ctx.json(setLogin(caller, scope, email, MemberLogins.check(req.login())));
        };
        app.patch("/v1/orgs/{org}/members/{email}", setLogin);
        // the same as POST: the CLI's blocking HttpURLConnection cannot send PATCH
        app.post("/v1/orgs/{org}/members/{email}", setLogin);
        app.delete("/v1/orgs/{org}/members/{email}", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "remove members");
            ctx.json(remove(caller, scope, Bodies.email(ctx.pathParam("email"))));
        });
    }

    private AddMemberResponse add(Caller caller, OrgAccess.Scope scope, AddMemberRequest req) {
        String email = Bodies.email(req.email());
        Role role = Bodies.role(req.role());
        String orgName = scope.org().name();
        if (role == Role.OWNER && scope.membership().role() != Role.OWNER) {
            throw ApiException.forbidden("only owners may add owners; use --role admin or member");
        }
        String token = secrets.newToken();
        Instant now = clock.instant();
        Instant expires = now.plus(INVITE_TTL);
        // A login token only for someone Postern has never seen: a token for an existing person would hand
        // their whole account (every org they belong to) to whoever added them.
        return store.inTransaction(tx -> {
            boolean known = tx.people().byEmail(email).isPresent();
            Person person = tx.people().getOrCreate(email, now);
            if (tx.orgs().membership(scope.org().id(), person.id()).isPresent()) {
                throw ApiException.conflict("'" + email + "' is already a member of org '" + orgName
                        + "'; remove them first to change their role");
            }
            String login = MemberLogins.forNewMember(tx, scope.org().id(), orgName, email, role, req.login());
            try {
                tx.orgs().addMember(scope.org().id(), person.id(), role, login, now);
            } catch (LoginTakenException e) {
                throw taken(e, orgName, "postern members add --org " + orgName + " --email " + email + " --login NAME");
            } catch (ConflictException e) {
                throw ApiException.conflict("'" + email + "' is already a member of org '" + orgName
                        + "'; remove them first to change their role");
            }
            if (!known) {
                tx.tokens().create(new ApiToken(Secrets.hash(token), person.id(), TokenKind.INVITE, now, expires,
                        null));
            }
            audit.record(tx, caller, orgName, "member.add", email, "role=" + role.wire() + " login="
                    + (login == null ? "(none)" : login) + (known ? " (existing login)" : " (invite issued)"));
            return new AddMemberResponse(email, role.wire(), login, known ? null : token, known ? null : expires);
        });
    }

    private MemberView setLogin(Caller caller, OrgAccess.Scope scope, String email, String login) {
        String orgName = scope.org().name();
        Membership target = target(scope, email);
        if (target.role() == Role.OWNER && scope.membership().role() != Role.OWNER) {
            throw ApiException.forbidden("only owners may change an owner's login");
        }
        if (login.equals(target.login())) {
            return view(target);
        }
        int revoked = store.inTransaction(tx -> {
            MemberLogins.notGranted(tx, scope.org().id(), orgName, email, login);
            try {
                tx.orgs().setLogin(scope.org().id(), target.personId(), login);
            } catch (LoginTakenException e) {
                throw taken(e, orgName, "postern members set --org " + orgName + " --email " + email + " --login NAME");
            }
            // certificates that carry the old name must not outlive it: it may be given to someone else next
            int n = target.login() == null ? 0 : tx.certificates().revokePerson(scope.org().id(), target.personId(),
                    clock.instant(), caller.email());
            audit.record(tx, caller, orgName, "member.login", email, "login " + (target.login() == null ? "(none)"
                    : target.login()) + " -> " + login + "; " + n + " certificate(s) revoked");
            return n;
        });
        if (revoked > 0) {
            revocationsChanged.accept(orgName);
        }
        return view(store.orgs().membership(scope.org().id(), target.personId()).orElseThrow(
                () -> ApiException.notFound("'" + email + "' left org '" + orgName + "' meanwhile")));
    }

    private RemoveMemberResponse remove(Caller caller, OrgAccess.Scope scope, String email) {
        Membership target = target(scope, email);
        if (target.role() == Role.OWNER && scope.membership().role() != Role.OWNER) {
            throw ApiException.forbidden("only owners may remove an owner");
        }
        RemoveMemberResponse removed = store.inTransaction(tx -> {
            // locked: two owners removing each other at once must not both see the other one left
            if (target.role() == Role.OWNER && tx.orgs().lockAndCountOwners(scope.org().id()) <= 1) {
                throw ApiException.conflict("'" + email + "' is the last owner of org '" + scope.org().name()
                        + "'; add another owner first");
            }
            tx.orgs().removeMember(scope.org().id(), target.personId());
            // grants end with the membership: someone added again starts with none
            tx.accessGrants().revokeAll(scope.org().id(), target.personId());
            // leaving an org ends the access its certificates gave, here and on stock-sshd machines (KRL)
            int n = tx.certificates().revokePerson(scope.org().id(), target.personId(), clock.instant(),
                    caller.email());
            Person person = tx.people().byId(target.personId()).orElseThrow();
            RemoveMemberResponse r = offboarding.run(tx, scope.org(), person, n, clock.instant(), caller.email());
            audit.record(tx, caller, scope.org().name(), "member.remove", email, "role was " + target.role().wire()
                    + "; " + Offboarding.detail(r));
            return r;
        });
        revocationsChanged.accept(scope.org().name());
        return removed;
    }

    private Membership target(OrgAccess.Scope scope, String email) {
        String notMember = "'" + email + "' is not a member of org '" + scope.org().name() + "'";
        Person person = store.people().byEmail(email).orElseThrow(() -> ApiException.notFound(notMember));
        return store.orgs().membership(scope.org().id(), person.id())
                .orElseThrow(() -> ApiException.notFound(notMember));
    }

    private static ApiException taken(LoginTakenException e, String orgName, String fix) {
        return ApiException.conflict(e.getMessage().replace("this org", "org '" + orgName + "'")
                + "; logins are unique in an org: choose another with '" + fix + "'");
    }

    static MemberView view(Membership m) {
        return new MemberView(m.email(), m.role().wire(), m.login(), m.createdAt());
    }
}
