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
import dev.postern.cli.server.HostPort;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.GatewayView;
import dev.postern.common.api.OrgRole;
import dev.postern.common.api.RevokedHostKeyView;
import dev.postern.common.api.WhoAmI;
import dev.postern.common.api.MachineView;
import dev.postern.ssh.OpenSshKeys;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;

/** Turns {@link TargetOptions} into an open {@link MachineConnection}, asking the API what it needs. */
public final class Targets {
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Targets() {
    }

    /** Everything needed to connect, before connecting. */
    public record Resolved(String org, String app, MachineView machine, Route route, UserIdentity identity,
                           String user) {
        public MachineConnection connect(CliEnvironment env) {
            return MachineConnection.open(route, identity, user, env.clock(), TIMEOUT);
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
        String org = session.orgForApp(t.org, app, "postern ssh console --app " + app + " --org ORG");
        ServerAnswers answers = ServerAnswers.of(session.api());
        String user = t.user != null ? t.user.trim() : answers.login("default login name", defaultLogin(session, org));
        List<MachineView> machines = Machines.list(session, org, app);
        MachineView machine = checked(answers, app,
                MachineChoice.choose(machines, app, t.machine, t.region, t.select ? picker : null));
        GatewayView gw = gateway(session.api());
        HostPort gateway = answers.hostPort("gateway address", gw.address());
        PublicKey gatewayKey = OpenSshKeys.parsePublicKey(answers.publicKey("gateway host key", gw.hostKey()));
        AuthorityView ca = session.api().get("/v1/orgs/" + ApiClient.segment(org) + "/ca", AuthorityView.class);
        PublicKey hostCa = OpenSshKeys.parsePublicKey(answers.publicKey("host CA key of org " + org,
                ca == null ? null : ca.hostCaPublicKey()));
        PublicKey userCa = OpenSshKeys.parsePublicKey(answers.publicKey("user CA key of org " + org,
                ca == null ? null : ca.userCaPublicKey()));
        Route route = Route.toMachine(gateway, gatewayKey, machine.name(), hostCa)
                .withRevokedHostKeys(revokedHostKeys(session.api(), answers, org));
        UserIdentity identity = Identities.obtain(env.home(), session, org, app, user, userCa,
                env.clock().instant());
        return new Resolved(org, app, machine, route, identity, user);
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

    /** The login name the person's certificates carry by default in {@code org} (from {@code GET /v1/whoami}). */
    static String defaultLogin(Session session, String org) {
        WhoAmI me = session.api().get("/v1/whoami", WhoAmI.class);
        return me.orgs().stream().filter(o -> o.org().equals(org)).map(OrgRole::defaultLogin)
                .filter(java.util.Objects::nonNull).findFirst().orElse("root");
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

    static List<PublicKey> revokedHostKeys(ApiClient api, ServerAnswers answers, String org) {
        return revokedHostKeyLines(api, answers, org).stream().map(OpenSshKeys::parsePublicKey).toList();
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
