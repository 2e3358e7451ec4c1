package dev.postern.cli.connect;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.client.Printable;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.Session;
import dev.postern.cli.client.SshSyntax;
import dev.postern.cli.machines.Machines;
import dev.postern.cli.orgs.Names;
import dev.postern.common.api.GatewayView;
import dev.postern.common.api.MachineView;
import dev.postern.common.api.RevokedHostKeyView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link TargetOptions} into an open {@link MachineConnection}. What it must know of the org comes from
 * {@link FactsCache} when known for less than five minutes, the identity from {@link Identities} (a kept
 * certificate when one fits), and a machine named with {@code --machine} is not looked up: so a repeated
 * {@code ssh console --app A --machine ID} asks the control plane nothing, as stock ssh would not. Any failure to
 * connect that stale facts could explain (a gateway or host CA key that changed, a refused login, a machine that is
 * gone) drops the cached facts and tries once more with fresh ones; a refused login also with a new certificate.
 */
public final class Targets {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Logger LOG = LoggerFactory.getLogger(Targets.class);

    private Targets() {
    }

    /** Everything needed to connect, before connecting; {@link #connect} may prepare it again once. */
    public static final class Resolved {
        private final CliEnvironment env;
        private final Session session;
        private final FactsCache cache;
        private final TargetOptions options;
        private final MachineChoice.Picker picker;
        private final String app;
        private final String org;
        private OrgFacts facts;
        private boolean factsFetched;
        private MachineView machine;
        private boolean machineListed;
        private Route route;
        private UserIdentity identity;
        private String user;

        private Resolved(CliEnvironment env, Session session, FactsCache cache, TargetOptions options,
                         MachineChoice.Picker picker, String app, String org) {
            this.env = env;
            this.session = session;
            this.cache = cache;
            this.options = options;
            this.picker = picker;
            this.app = app;
            this.org = org;
        }

        public String org() {
            return org;
        }

        /** The login context's name: the gateway alias of an OpenSSH plan names it, as {@code ssh config}'s do. */
        public String context() {
            return session.context().name();
        }

        public String app() {
            return app;
        }

        public MachineView machine() {
            return machine;
        }

        public Route route() {
            return route;
        }

        public UserIdentity identity() {
            return identity;
        }

        public String user() {
            return user;
        }

        private Resolved prepare(boolean refresh, boolean renew) {
            Instant now = env.clock().instant();
            Optional<OrgFacts> cached = refresh ? Optional.empty() : cache.fresh(org);
            factsFetched = cached.isEmpty();
            OrgFacts fetched = factsFetched ? OrgFacts.fetch(session, org, now) : null;
            facts = factsFetched ? cache.merged(fetched) : cached.get();
            user = options.user != null ? options.user.trim()
                    : facts.defaultLogin() != null ? facts.defaultLogin() : "root";
            machine = refresh ? null : named(app, options);
            machineListed = machine == null;
            if (machine == null) {
                ServerAnswers answers = ServerAnswers.of(session.api());
                machine = checked(answers, app, MachineChoice.choose(Machines.list(session, org, app), app,
                        options.machine, options.region, options.select ? picker : null));
            }
            if (fetched != null) {
                cache.put(fetched);
            }
            cache.save(); // only once every answer of this run passed its checks
            route = Route.toMachine(facts.gatewayAddress(), facts.gatewayKey(), machine.name(), facts.hostCaKey())
                    .withRevokedHostKeys(facts.revokedKeys());
            identity = Identities.obtain(env, session, facts, app, user, renew);
            return this;
        }

        /** Connects; on a failure stale facts or a stale certificate could explain, once more with fresh ones. */
        public MachineConnection connect(CliEnvironment env) {
            try {
                return MachineConnection.open(route, identity, user, env.clock(), TIMEOUT);
            } catch (CliException e) {
                boolean refused = e.exitCode() == ExitCodes.AUTH;
                if (factsFetched && machineListed && !refused) {
                    throw e; // nothing here was stale: asking again would only repeat the answer
                }
                LOG.debug("connecting to {} failed ({}); trying once more with fresh facts", machine.name(),
                        e.getMessage());
                cache.forget(org);
                if (refused) {
                    env.err().println("postern: " + machine.name() + " or the gateway refused the login with "
                            + identity.source() + "; trying once more with a new certificate");
                }
                prepare(true, refused);
                return MachineConnection.open(route, identity, user, env.clock(), TIMEOUT);
            }
        }
    }

    public static Resolved resolve(CliEnvironment env, TargetOptions t, MachineChoice.Picker picker) {
        String app = Names.check("--app", t.app);
        if (SshSyntax.name(app).isEmpty()) {
            throw CliException.usage("--app '" + Printable.escape(app) + "' is not an app name; app names are lower-case "
                    + "letters, digits and '-' (e.g. web)");
        }
        if (t.user != null && SshSyntax.login(t.user.trim()).isEmpty()) {
            throw CliException.usage("--user '" + Printable.escape(t.user) + "' is not a login name; use e.g. -u root");
        }
        Session session = Session.require(env);
        FactsCache cache = FactsCache.open(env.posternHome(), session.context(), ServerAnswers.of(session.api()),
                env.clock());
        String org = org(env, session, cache, t.org, app);
        return new Resolved(env, session, cache, t, picker, app, org).prepare(false, false);
    }

    /** The org of {@code app}: named, else as last found (cached), else asked ({@link Session#orgForApp}). */
    static String org(CliEnvironment env, Session session, FactsCache cache, String given, String app) {
        boolean named = (given != null && !given.isBlank()) || env.variable(Session.ORG_VARIABLE).isPresent();
        String key = app + "@" + (session.context().org() == null ? "" : session.context().org());
        Optional<String> known = named ? Optional.empty() : cache.orgOf(key);
        String org = known.orElseGet(() -> session.orgForApp(given, app, "postern ssh console --app " + app
                + " --org ORG"));
        if (SshSyntax.name(org).isEmpty()) {
            throw CliException.usage("--org '" + Printable.escape(org) + "' is not an org name; org names are "
                    + "lower-case letters, digits and '-' (e.g. acme)");
        }
        if (!named && known.isEmpty()) {
            cache.rememberOrg(key, org);
        }
        return org;
    }

    /**
     * The machine {@code --machine} names, without asking the control plane (its name is {@code <id>.vm.<app>.internal},
     * which its host certificate must carry anyway); null when the options ask for a choice, or the value is not a
     * plain machine id or name.
     */
    static MachineView named(String app, TargetOptions t) {
        if (t.machine == null || t.select || t.region != null) {
            return null;
        }
        String suffix = ".vm." + app + ".internal";
        String v = t.machine.trim();
        String id = v.endsWith(suffix) ? v.substring(0, v.length() - suffix.length()) : v;
        if (SshSyntax.name(id).isEmpty() || id.contains(".")) {
            return null;
        }
        return new MachineView(id, app, id + suffix, null, null, "online", null);
    }

    /**
     * The machine to connect to, once its id and name are checked: the name is the SSH target the gateway is
     * asked for and the principal its host certificate must carry, so it must be exactly
     * {@code <id>.vm.<app>.internal} of the app asked for.
     */
    static MachineView checked(ServerAnswers answers, String app, MachineView m) {
        String id = answers.machineId("machine id", m.id());
        String expected = id + ".vm." + app + ".internal";
        if (!expected.equals(m.name())) {
            throw answers.refusal("machine name", m.name(), expected);
        }
        if (m.app() != null && !app.equals(m.app())) {
            throw answers.refusal("app of machine " + id, m.app(), app);
        }
        return m;
    }

    /** {@code GET /v1/orgs/{org}/revoked-host-keys}: host keys of removed machines, never to be trusted again. */
    public static List<RevokedHostKeyView> revokedHostKeyViews(ApiClient api, String org) {
        try {
            List<RevokedHostKeyView> keys = api.get("/v1/orgs/" + ApiClient.segment(org) + "/revoked-host-keys",
                    new com.fasterxml.jackson.core.type.TypeReference<List<RevokedHostKeyView>>() { });
            return keys == null ? List.of() : keys;
        } catch (ApiException e) {
            if (e.status() == 404) {
                return List.of(); // a server from before machine removal: it has no removed machines to list
            }
            throw e;
        }
    }

    /** As {@link #revokedHostKeyViews}, each key checked like every other value from the server. */
    public static List<String> revokedHostKeyLines(ApiClient api, ServerAnswers answers, String org) {
        return revokedHostKeyViews(api, org).stream()
                .map(k -> answers.publicKey("revoked host key of org " + org, k.publicKey())).toList();
    }

    /** {@code GET /v1/gateway}: where the gateway listens and its host key. */
    public static GatewayView gateway(ApiClient api) {
        try {
            GatewayView gw = api.get("/v1/gateway", GatewayView.class);
            if (gw == null || gw.address() == null || gw.hostKey() == null) {
                throw new CliException(ExitCodes.FAILURE, "the server at " + api.baseUrl()
                        + " gave no gateway address or host key");
            }
            return gw;
        } catch (ApiException e) {
            if (e.status() == 404) {
                throw new CliException(ExitCodes.UNREACHABLE, "the server at " + api.baseUrl() + " runs without an SSH "
                        + "gateway; start it with 'postern server --gateway 127.0.0.1:2222'", e);
            }
            throw e;
        }
    }
}
