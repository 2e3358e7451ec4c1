package dev.postern.server;

import dev.postern.common.Role;
import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.AddMemberResponse;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.MemberView;
import dev.postern.common.api.OrgView;
import dev.postern.common.api.RemoveMemberResponse;
import dev.postern.store.ApiToken;
import dev.postern.store.ConflictException;
import dev.postern.store.Membership;
import dev.postern.store.Org;
import dev.postern.store.Person;
import dev.postern.store.Store;
import dev.postern.store.TokenKind;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Orgs and their members. */
final class OrgRoutes {
    static final Duration INVITE_TTL = Duration.ofDays(7);
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final AuditTrail audit;
    private final Secrets secrets;
    private final Clock clock;

    private final java.util.function.Consumer<String> revocationsChanged;
    private final Offboarding offboarding;

    OrgRoutes(Store store, TokenAuthenticator auth, OrgAccess access, AuditTrail audit, Secrets secrets, Clock clock,
              java.util.function.Consumer<String> revocationsChanged, Offboarding offboarding) {
        this.revocationsChanged = revocationsChanged;
        this.offboarding = offboarding;
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.audit = audit;
        this.secrets = secrets;
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
                tx.orgs().addMember(created.id(), caller.person().id(), Role.OWNER, now);
                audit.record(tx, caller, name, "org.create", name, "creator is owner");
                return created;
            });
            ctx.status(201).json(new OrgView(org.name(), Role.OWNER.wire(), org.createdAt(), false));
        });
        app.get("/v1/orgs/{org}/members", ctx -> {
            OrgAccess.Scope scope = access.member(auth.session(ctx), ctx.pathParam("org"));
            ctx.json(store.orgs().members(scope.org().id()).stream()
                    .map(m -> new MemberView(m.email(), m.role().wire(), m.createdAt())).toList());
        });
        app.post("/v1/orgs/{org}/members", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "add members");
            AddMemberRequest req = Bodies.read(ctx, AddMemberRequest.class);
            String email = Bodies.email(req.email());
            Role role = Bodies.role(req.role());
            if (role == Role.OWNER && scope.membership().role() != Role.OWNER) {
                throw ApiException.forbidden("only owners may add owners; use --role admin or member");
            }
            String token = secrets.newToken();
            Instant now = clock.instant();
            Instant expires = now.plus(INVITE_TTL);
            // A login token only for someone Postern has never seen: a token for an existing person would hand
            // their whole account (every org they belong to) to whoever added them.
            boolean invited = store.inTransaction(tx -> {
                boolean known = tx.people().byEmail(email).isPresent();
                Person person = tx.people().getOrCreate(email, now);
                try {
                    tx.orgs().addMember(scope.org().id(), person.id(), role, now);
                } catch (ConflictException e) {
                    throw ApiException.conflict("'" + email + "' is already a member of org '" + scope.org().name()
                            + "'; remove them first to change their role");
                }
                if (!known) {
                    tx.tokens().create(new ApiToken(Secrets.hash(token), person.id(), TokenKind.INVITE, now, expires,
                            null));
                }
                audit.record(tx, caller, scope.org().name(), "member.add", email,
                        "role=" + role.wire() + (known ? " (existing login)" : " (invite issued)"));
                return !known;
            });
            ctx.status(201).json(new AddMemberResponse(email, role.wire(), invited ? token : null,
                    invited ? expires : null));
        });
        app.delete("/v1/orgs/{org}/members/{email}", ctx -> {
            Caller caller = auth.session(ctx);
            OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "remove members");
            String email = Bodies.email(ctx.pathParam("email"));
            String notMember = "'" + email + "' is not a member of org '" + scope.org().name() + "'";
            Person person = store.people().byEmail(email).orElseThrow(() -> ApiException.notFound(notMember));
            Membership target = store.orgs().membership(scope.org().id(), person.id())
                    .orElseThrow(() -> ApiException.notFound(notMember));
            if (target.role() == Role.OWNER && scope.membership().role() != Role.OWNER) {
                throw ApiException.forbidden("only owners may remove an owner");
            }
            RemoveMemberResponse removed = store.inTransaction(tx -> {
                if (target.role() == Role.OWNER && tx.orgs().members(scope.org().id()).stream()
                        .filter(m -> m.role() == Role.OWNER).count() == 1) {
                    throw ApiException.conflict("'" + email + "' is the last owner of org '" + scope.org().name()
                            + "'; add another owner first");
                }
                tx.orgs().removeMember(scope.org().id(), person.id());
                // leaving an org ends the access its certificates gave, here and on stock-sshd machines (KRL)
                int n = tx.certificates().revokePerson(scope.org().id(), person.id(), clock.instant(), caller.email());
                RemoveMemberResponse r = offboarding.run(tx, scope.org(), person, n, clock.instant());
                audit.record(tx, caller, scope.org().name(), "member.remove", email, "role was " + target.role().wire()
                        + "; " + Offboarding.detail(r));
                return r;
            });
            revocationsChanged.accept(scope.org().name());
            ctx.json(removed);
        });
    }

    private OrgView view(Org o, Caller caller) {
        String role = store.orgs().membership(o.id(), caller.person().id()).map(m -> m.role().wire()).orElse("member");
        return new OrgView(o.name(), role, o.createdAt(), store.authorities().forOrg(o.id()).isPresent());
    }
}
