package dev.postern.cli.connect;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.client.Session;
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
        if (t.user != null && !t.user.trim().matches("[A-Za-z0-9_][A-Za-z0-9._-]{0,31}")) {
            throw CliException.usage("--user '" + t.user + "' is not a login name; use e.g. -u root");
        }
        Session session = Session.require(env);
        String org = session.org(t.org, "postern ssh console --app " + app + " --org ORG");
        String user = t.user != null ? t.user.trim() : defaultLogin(session, org);
        List<MachineView> machines = Machines.list(session, org, app);
        MachineView machine = MachineChoice.choose(machines, app, t.machine, t.region, t.select ? picker : null);
        GatewayView gw = gateway(session.api());
        AuthorityView ca = session.api().get("/v1/orgs/" + ApiClient.segment(org) + "/ca", AuthorityView.class);
        PublicKey hostCa = OpenSshKeys.parsePublicKey(ca.hostCaPublicKey());
        PublicKey userCa = OpenSshKeys.parsePublicKey(ca.userCaPublicKey());
        Route route = Route.toMachine(HostPort.parse("gateway address", gw.address()),
                OpenSshKeys.parsePublicKey(gw.hostKey()), machine.name(), hostCa)
                .withRevokedHostKeys(revokedHostKeys(session.api(), org));
        UserIdentity identity = Identities.obtain(env.home(), session, org, user, userCa, env.clock().instant());
        return new Resolved(org, app, machine, route, identity, user);
    }

    /** The login name the person's certificates carry by default in {@code org} (from {@code GET /v1/whoami}). */
    static String defaultLogin(Session session, String org) {
        WhoAmI me = session.api().get("/v1/whoami", WhoAmI.class);
        return me.orgs().stream().filter(o -> o.org().equals(org)).map(OrgRole::defaultLogin)
                .filter(java.util.Objects::nonNull).findFirst().orElse("root");
    }

    /** {@code GET /v1/orgs/{org}/revoked-host-keys}: host keys of removed machines, never to be trusted again. */
    public static List<RevokedHostKeyView> revokedHostKeyViews(ApiClient api, String org) {
        return api.get("/v1/orgs/" + ApiClient.segment(org) + "/revoked-host-keys",
                new com.fasterxml.jackson.core.type.TypeReference<List<RevokedHostKeyView>>() { });
    }

    static List<PublicKey> revokedHostKeys(ApiClient api, String org) {
        return revokedHostKeyViews(api, org).stream().map(k -> OpenSshKeys.parsePublicKey(k.publicKey())).toList();
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
