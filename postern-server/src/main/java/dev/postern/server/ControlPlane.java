package dev.postern.server;

import dev.postern.ca.KeySealer;
import dev.postern.ca.MasterKey;
import dev.postern.ca.SealException;
import dev.postern.common.Json;
import dev.postern.common.Untrusted;
import dev.postern.common.api.ErrorBody;
import dev.postern.common.api.ServerView;
import dev.postern.common.tls.Fingerprint;
import dev.postern.server.tls.SelfSignedCertificate;
import dev.postern.server.tls.ServerTls;
import dev.postern.store.JdbcStore;
import dev.postern.store.Store;
import dev.postern.store.StoreConfig;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: HTTP API, certificate authority and store, built from a {@link ControlPlaneConfig}.
 *
 * <pre>{@code
 * try (ControlPlane cp = ControlPlane.start(ControlPlaneConfig.local(dir, Clock.systemUTC()))) {
 *     System.out.println(cp.baseUrl() + " " + cp.bootstrapToken().orElse("(already bootstrapped)"));
 * }
 * }</pre>
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    static final String MASTER_KEY_CHECK = "master-key-check";
    private static final byte[] CHECK_PLAINTEXT = "postern master key check v1".getBytes(StandardCharsets.US_ASCII);

    private final Store store;
    private final Javalin http;
    private final Optional<String> bootstrapToken;
    private final String host;
    private final GatewayLink gateway;
    private final IssuanceLog issuanceLog;
    private final ServerTls tls;
    private final String advertise;

    private ControlPlane(Store store, Javalin http, String host, Optional<String> bootstrapToken, GatewayLink gateway,
                         IssuanceLog issuanceLog, ServerTls tls, String advertise) {
        this.store = store;
        this.tls = tls;
        this.advertise = advertise;
        this.issuanceLog = issuanceLog;
        this.http = http;
        this.host = host;
        this.gateway = gateway;
        this.bootstrapToken = bootstrapToken;
    }

    /**
     * Opens the store, checks the master key against it (a wrong key stops here and changes nothing),
     * creates the first admin on first start, and starts the API.
     */
    public static ControlPlane start(ControlPlaneConfig config) {
        createPrivateDir(config.dataDir());
        StoreConfig storeConfig = config.jdbcUrl() == null ? StoreConfig.h2(config.dataDir())
                : StoreConfig.parse(config.jdbcUrl());
        Store store = JdbcStore.open(storeConfig);
        try {
            byte[] master = masterKey(config, store);
            KeySealer sealer = new KeySealer(master);
            checkMasterKey(store, sealer);
            AppSecrets appSecrets = new AppSecrets(sealer, master);
            java.util.Arrays.fill(master, (byte) 0);
            Bootstrap.Result boot = new Bootstrap(store, config.clock(), new Secrets())
                    .run(config.bootstrapEmail(), config.dataDir());
            Metrics metrics = new Metrics();
            Authorities authorities = new Authorities(sealer, config.clock());
            HostCertificates hostCertificates = new HostCertificates(config.hostCertValidity());
            GatewayLink gateway = GatewayLink.start(config, store, config.clock(), new HostCertRenewal(store,
                    authorities, hostCertificates, new AuditTrail(config.clock()), config.clock()), appSecrets);
            gateway.gateway().ifPresent(metrics::gateway);
            IssuanceLog issuanceLog = new IssuanceLog(store, metrics::logCommitted);
            ServerTls tls = null;
            try {
                tls = tls(config);
                ServerIdentity identity = new ServerIdentity(tls);
                Javalin http = routes(config, store, sealer, appSecrets, authorities, hostCertificates, metrics,
                        boot.adminPersonId(), gateway, issuanceLog, tls, identity);
                if (tls == null) {
                    http.start(config.httpHost(), config.httpPort());
                } else {
                    http.start();
                }
                ControlPlane plane = new ControlPlane(store, http, config.httpHost(), boot.token(), gateway,
                        issuanceLog, tls, config.advertise());
                identity.url(plane.advertisedUrl());
                LOG.info("control plane listening on {} (data {}{})", plane.baseUrl(), config.dataDir(),
                        tls == null ? "; plain HTTP on loopback" : "; TLS key " + tls.fingerprint());
                return plane;
            } catch (RuntimeException e) {
                if (tls != null) {
                    tls.close();
                }
                issuanceLog.close();
                gateway.close();
                throw e;
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Where the API listens, e.g. {@code https://127.0.0.1:7070} ({@code http://} without TLS). */
    public String baseUrl() {
        return (tls == null ? "http://" : "https://") + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + http.port();
    }

    /** The API URL machines and people are told to use: {@code --advertise}, else {@link #baseUrl()}. */
    public String advertisedUrl() {
        return advertise != null ? advertise : baseUrl();
    }

    /** The pin of the TLS key served now; empty without TLS. */
    public Optional<Fingerprint> fingerprint() {
        return Optional.ofNullable(tls).map(ServerTls::fingerprint);
    }

    /** The certificate and key files served, for operators and tests; empty without TLS. */
    public List<Path> tlsFiles() {
        return tls == null ? List.of() : tls.files();
    }

    /** The one-time bootstrap token, present only on the very first start of a data dir. */
    public Optional<String> bootstrapToken() {
        return bootstrapToken;
    }

    /** The SSH gateway's {@code host:port}, or empty when this plane runs none. */
    public Optional<String> gatewayAddress() {
        return Optional.ofNullable(gateway.endpoint()).map(GatewayEndpoint::address);
    }

    @Override
    public void close() {
        try {
            if (tls != null) {
                tls.close();
            }
            http.stop();
            gateway.close();
        } finally {
            issuanceLog.close();
            store.close();
        }
    }

    private static byte[] masterKey(ControlPlaneConfig config, Store store) {
        Path file = config.dataDir().resolve("master.key");
        if (config.masterKeyEnv() == null && !Files.exists(file) && store.settings().get(MASTER_KEY_CHECK).isPresent()) {
            throw new IllegalStateException("the master key is missing: " + file + " does not exist but the database"
                    + " holds keys sealed with one; restore master.key or set POSTERN_MASTER_KEY. Nothing was changed");
        }
        return MasterKey.loadOrCreate(file, config.masterKeyEnv());
    }

    private static void checkMasterKey(Store store, KeySealer sealer) {
        Optional<byte[]> check = store.settings().get(MASTER_KEY_CHECK);
        if (check.isPresent()) {
            try {
                sealer.open(check.get(), MASTER_KEY_CHECK);
            } catch (SealException e) {
                throw new IllegalStateException("wrong master key: it does not open the keys in this database"
                        + " (check POSTERN_MASTER_KEY or <data>/master.key). Nothing was changed", e);
            }
        } else {
            store.settings().putIfAbsent(MASTER_KEY_CHECK, sealer.seal(CHECK_PLAINTEXT, MASTER_KEY_CHECK));
        }
    }

    /** The operator's PEM files, or the self-signed pair in {@code <data>/tls} named for how people reach us. */
    private static ServerTls tls(ControlPlaneConfig config) {
        if (config.tls() == null) {
            return null;
        }
        if (!config.tls().isSelfSigned()) {
            return ServerTls.prepare(config.tls(), config.tls().certFile(), config.tls().keyFile(), config.httpHost(),
                    config.httpPort());
        }
        SelfSignedCertificate.PemFiles own = SelfSignedCertificate.ensure(config.dataDir().resolve("tls"),
                certificateNames(config), config.clock());
        return ServerTls.prepare(config.tls(), own.cert(), own.key(), config.httpHost(), config.httpPort());
    }

    /** The advertised host, the listening address unless it is a wildcard, and the loopback names. */
    static List<String> certificateNames(ControlPlaneConfig config) {
        List<String> names = new ArrayList<>();
        if (config.advertise() != null) {
            names.add(java.net.URI.create(config.advertise()).getHost().replaceAll("^\\[|]$", ""));
        }
        String listen = config.httpHost().replaceAll("^\\[|]$", "");
        if (!listen.equals("0.0.0.0") && !listen.equals("::") && !names.contains(listen)) {
            names.add(listen);
        }
        for (String loopback : List.of("localhost", "127.0.0.1", "::1")) {
            if (!names.contains(loopback)) {
                names.add(loopback);
            }
        }
        return names;
    }

    private static Javalin routes(ControlPlaneConfig config, Store store, KeySealer sealer, AppSecrets appSecrets,
                                  Authorities authorities, HostCertificates hostCertificates, Metrics metrics,
                                  long adminPersonId,
                                  GatewayLink gateway, IssuanceLog issuanceLog, ServerTls tls,
                                  ServerIdentity identity) {
        Javalin app = Javalin.create(cfg -> {
            if (tls != null) {
                cfg.registerPlugin(tls.plugin());
            }
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
            cfg.http.maxRequestSize = BodyLimitFilter.MAX_BYTES;
            cfg.jetty.modifyServletContextHandler(h -> h.addFilter(new FilterHolder(new BodyLimitFilter()), "/*",
                    EnumSet.of(DispatcherType.REQUEST)));
            cfg.jetty.modifyServer(server -> server.setStopTimeout(2000));
        });
        var clock = config.clock();
        var auth = new TokenAuthenticator(store, clock);
        var access = new OrgAccess(store);
        var audit = new AuditTrail(clock);
        var secrets = new Secrets();
        var issuer = new CertificateIssuer(store, access, authorities, audit, clock, metrics.certificatesIssued(),
                issuanceLog);
        app.get("/health", ctx -> {
            boolean up = store.ping();
            ctx.status(up ? 200 : 503).json(Map.of("status", up ? "ok" : "store not answering"));
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
        new AuthRoutes(store, auth, audit, secrets, clock,
                new AdminTokenRedeemer(store, sealer, config.dataDir(), audit, clock, adminPersonId), config.dataDir())
                .register(app);
        new OrgRoutes(store, auth, audit, clock).register(app);
        new MemberRoutes(store, auth, access, audit, secrets, clock, gateway::revocationsChanged,
                new Offboarding(adminPersonId)).register(app);
        new MemberInviteRoutes(store, auth, access, audit, secrets, clock, adminPersonId).register(app);
        new JoinTokenRoutes(store, auth, access, audit, clock).register(app);
        new AppRoutes(store, auth, access, audit, clock).register(app);
        new SecretRoutes(store, auth, access, appSecrets, audit, clock, gateway::secretsChanged).register(app);
        new AccessRoutes(store, auth, access, audit, clock, new AccessRoutes.Hooks() {
            @Override
            public int accessChanged(String org) {
                return gateway.accessChanged(org);
            }

            @Override
            public void revocationsChanged(String org) {
                gateway.revocationsChanged(org);
            }
        }).register(app);
        new CaRoutes(store, auth, access, authorities, audit, gateway::authoritiesChanged).register(app);
        new CertificateRoutes(store, auth, access, issuer).register(app);
        new RevocationRoutes(store, auth, access, audit, clock, gateway::revocationsChanged).register(app);
        new AuditRoutes(store, auth, access, adminPersonId).register(app);
        new MachineRoutes(store, auth, access, authorities, audit, clock, gateway::endpoint, hostCertificates)
                .register(app);
        new LifecycleRoutes(store, auth, access, audit, clock, gateway).register(app);
        app.get("/v1/server", ctx -> {
            auth.session(ctx);
            ctx.json(identity.view());
        });
        app.get("/v1/gateway", ctx -> {
            GatewayEndpoint gw = gateway.endpoint();
            if (gw == null) {
                throw ApiException.notFound("this server runs no SSH gateway; restart it with --gateway ADDR:PORT");
            }
            ctx.json(new dev.postern.common.api.GatewayView(gw.address(), gw.hostKeyLine()));
        });
        app.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(new ErrorBody(e.getMessage())));
        // Javalin's own 404 for a path that exists for another method repeats the whole path: ours quotes it
        app.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(new ErrorBody(
                e.getStatus() == 404 ? noSuchPath(ctx) : e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.matchedPath(), e);
            ctx.status(500).json(new ErrorBody("internal error; the server log has the details"));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ctx.json(new ErrorBody(noSuchPath(ctx)));
            }
        });
        app.after(ctx -> metrics.request(ctx.method().name(), ctx.endpointHandlerPath(), ctx.statusCode()));
        return app;
    }

    private static String noSuchPath(Context ctx) {
        return "no such API path: " + ctx.method() + " " + Untrusted.quote(ctx.path()) + "; see docs/API.md";
    }

    /**
     * The data dir holds the master key, the bootstrap token and the embedded database: 0700, made so when
     * missing, and tightened (with a log line) when an earlier version or an admin left it open to others.
     */
    static void createPrivateDir(Path dir) {
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(owner));
            }
            Set<PosixFilePermission> was = Files.getPosixFilePermissions(dir);
            if (!was.equals(owner)) {
                Files.setPosixFilePermissions(dir, owner);
                LOG.warn("data dir {} was {}; made it rwx------ (0700): it holds the master key and the database",
                        dir, PosixFilePermissions.toString(was));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data dir " + dir + " or make it private (0700): "
                    + e.getMessage() + "; pass --data DIR with a directory this user owns", e);
        }
    }
}
