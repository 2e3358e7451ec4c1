package dev.postern.server;

import dev.postern.ca.SignedCertificate;
import dev.postern.common.Untrusted;
import dev.postern.common.api.CreateJoinTokenRequest;
import dev.postern.common.api.JoinRequest;
import dev.postern.common.api.JoinResponse;
import dev.postern.common.api.JoinTokenView;
import dev.postern.common.api.MachineView;
import dev.postern.common.api.RevokedHostKeyView;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.store.App;
import dev.postern.store.JoinToken;
import dev.postern.store.Machine;
import dev.postern.store.Org;
import dev.postern.store.Store;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.apache.sshd.common.config.keys.KeyUtils;

/** Machine join tokens, joining, and machine listings. */
final class MachineRoutes {
    static final String JOIN_PREFIX = "pjt_";
    private final Store store;
    private final TokenAuthenticator auth;
    private final OrgAccess access;
    private final Authorities authorities;
    private final AuditTrail audit;
    private final Clock clock;
    private final Supplier<GatewayEndpoint> gateway;
    private final HostCertificates hostCertificates;
    private final SecureRandom random = new SecureRandom();

    MachineRoutes(Store store, TokenAuthenticator auth, OrgAccess access, Authorities authorities, AuditTrail audit,
                  Clock clock, Supplier<GatewayEndpoint> gateway, HostCertificates hostCertificates) {
        this.hostCertificates = hostCertificates;
        this.store = store;
        this.auth = auth;
        this.access = access;
        this.authorities = authorities;
        this.audit = audit;
        this.clock = clock;
        this.gateway = gateway;
    }

    void register(Javalin app) {
        app.post("/v1/orgs/{org}/apps/{app}/join-tokens", this::createToken);
        app.post("/v1/join", this::join);
        app.get("/v1/orgs/{org}/apps/{app}/machines", ctx -> {
            OrgAccess.Scope scope = access.member(auth.session(ctx), ctx.pathParam("org"));
            App a = app(scope.org(), ctx.pathParam("app"));
            boolean all = "true".equals(ctx.queryParam("all"));
            ctx.json(store.machines().forApp(a.id()).stream().filter(m -> all || !m.removed()).map(m -> view(m, a))
                    .toList());
        });
        // public, like the KRL that revokes the same keys: clients write them as known_hosts @revoked lines
        app.get("/v1/orgs/{org}/revoked-host-keys", ctx -> {
            Org org = store.orgs().byName(ctx.pathParam("org")).orElseThrow(() -> ApiException.notFound("org '"
                    + ctx.pathParam("org") + "' not found"));
            ctx.json(store.machines().revokedHostKeys(org.id()).stream().filter(k -> k.hostKey() != null)
                    .map(k -> new RevokedHostKeyView(k.machineId(), k.app(), k.hostKey(), k.fingerprint(),
                            k.revokedAt())).toList());
        });
    }

    private void createToken(Context ctx) {
        Caller caller = auth.session(ctx);
        OrgAccess.Scope scope = access.admin(caller, ctx.pathParam("org"), "create machine join tokens");
        App a = app(scope.org(), ctx.pathParam("app"));
        CreateJoinTokenRequest req = Bodies.read(ctx, CreateJoinTokenRequest.class);
        if (req.uses() < 1 || req.uses() > 1000) {
            throw ApiException.badRequest("uses " + req.uses() + " is out of range; use 1 to 1000 (--uses)");
        }
        if (req.ttlSeconds() < 60 || req.ttlSeconds() > Duration.ofDays(30).toSeconds()) {
            throw ApiException.badRequest("ttl " + req.ttlSeconds() + "s is out of range; use 1m to 30d (--ttl 1h)");
        }
        String token = JOIN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(req.ttlSeconds());
        long id = store.inTransaction(tx -> {
            String hash = Secrets.hash(token);
            tx.machines().createJoinToken(new JoinToken(hash, scope.org().id(), a.id(), req.uses(), expires,
                    caller.email(), now));
            // the id 'postern tokens revoke ID' takes, given with the token so it can be revoked without a listing
            long made = tx.joinTokens().byHash(hash).orElseThrow().id();
            audit.record(tx, caller, scope.org().name(), "join-token.create", a.name(),
                    "id=" + made + " uses=" + req.uses() + " expires=" + expires);
            return made;
        });
        ctx.status(201).json(new JoinTokenView(id, token, scope.org().name(), a.name(), req.uses(), expires));
    }

    private void join(Context ctx) {
        String header = ctx.header("Authorization");
        String secret = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        if (!secret.startsWith(JOIN_PREFIX)) {
            throw ApiException.unauthorized("a machine join token (pjt_...) is required; create one with"
                    + " 'postern tokens create machine --app APP'");
        }
        String hash = Secrets.hash(secret);
        Instant now = clock.instant();
        JoinToken token = store.machines().joinToken(hash).orElseThrow(() -> ApiException.unauthorized(
                "unknown join token; create one with 'postern tokens create machine --app APP'"));
        JoinRequest req = Bodies.read(ctx, JoinRequest.class);
        String region = req.region() == null || req.region().isBlank() ? "local" : req.region().trim();
        if (!region.matches("[a-z0-9-]{1,32}")) {
            throw ApiException.badRequest("region " + Untrusted.quote(region)
                    + " is not valid; use lower-case letters, digits, '-'");
        }
        Org org = store.orgs().byId(token.orgId()).orElseThrow();
        App a = store.apps().forOrg(org.id()).stream().filter(x -> x.id() == token.appId()).findFirst().orElseThrow();
        Authorities.Opened ca = authorities.open(store, org.id()).orElseThrow(() -> CaRoutes.noCa(org.name()));
        CaSubjects.refuseCaKey(store, req.hostPublicKey(), "hostPublicKey");
        GatewayEndpoint gw = gateway.get();
        String id = HexFormat.of().formatHex(bytes(7));
        String name = id + ".vm." + a.name() + ".internal";
        String hostKey = req.hostPublicKey() == null ? "" : req.hostPublicKey().trim();
        refuseRemovedHostKey(hostKey, a.name());
        // one transaction: a bad host key or a failure rolls the token's use back
        JoinResponse response = store.inTransaction(tx -> {
            if (!tx.machines().consumeJoinToken(hash, now)) {
                throw JoinTokenRoutes.refusal(tx.joinTokens().byHash(hash), now, a.name());
            }
            String address = OrgPrefix.address(org, tx.machines().nextMachineNumber());
            long serial = tx.certificates().nextSerial();
            SignedCertificate cert;
            try {
                cert = hostCertificates.sign(ca, serial, org.name(), a.name(), id, address, hostKey, now);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            tx.machines().create(new Machine(id, org.id(), a.id(), region, address, cert.publicKeyFingerprint(), now, now,
                    false, keyOnly(hostKey), null));
            audit.record(tx, new Caller(null, null, ctx.ip()), "machine:" + id, org.name(), "machine.join", name,
                    "address=" + address + " region=" + region);
            byte[] krl = OrgKrl.build(tx, org.name(), tx.authorities().forOrg(org.id()).orElseThrow());
            return new JoinResponse(id, org.name(), a.name(), name, address, cert.certificateLine(),
                    List.of(ca.user().publicKeyLine()), ca.host().publicKeyLine(),
                    gw == null ? null : gw.address(), gw == null ? null : gw.hostKeyLine(),
                    Base64.getEncoder().encodeToString(krl));
        });
        ctx.status(201).json(response);
    }

    /** A removed machine's identity never comes back: its host key is refused at join, in every org. */
    private void refuseRemovedHostKey(String hostKey, String app) {
        String fingerprint;
        try {
            fingerprint = KeyUtils.getFingerPrint(OpenSshKeys.parsePublicKey(hostKey));
        } catch (RuntimeException e) {
            return; // not a key: signing refuses it with the parser's words
        }
        store.machines().revokedHostKey(fingerprint).ifPresent(k -> {
            throw ApiException.forbidden("host key " + fingerprint + " belongs to machine " + k.machineId()
                    + ", removed at " + k.revokedAt() + "; a removed machine cannot join again with its old identity:"
                    + " start the agent with an empty --data dir (a new host key) and a new join token"
                    + " ('postern tokens create machine --app " + app + "')");
        });
    }

    /** {@code type base64}: a key line's comment is the machine's to choose and is not kept. */
    private static String keyOnly(String line) {
        String[] f = line.strip().split("\\s+");
        return f.length < 2 ? line : f[0] + " " + f[1];
    }

    private App app(Org org, String name) {
        return store.apps().byName(org.id(), name).orElseThrow(() -> ApiException.notFound(
                "app " + Untrusted.quote(name) + " not found in org '" + org.name() + "'; see 'postern apps list --org "
                        + org.name() + "'"));
    }

    private static MachineView view(Machine m, App a) {
        return new MachineView(m.id(), a.name(), m.id() + ".vm." + a.name() + ".internal", m.region(), m.address(),
                m.removed() ? "removed" : m.online() ? "online" : "offline", m.lastSeen());
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
