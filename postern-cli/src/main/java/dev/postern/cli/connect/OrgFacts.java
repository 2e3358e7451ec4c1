package dev.postern.cli.connect;

import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.Session;
import dev.postern.cli.server.HostPort;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.GatewayView;
import dev.postern.common.api.OrgRole;
import dev.postern.common.api.WhoAmI;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.RevocationList;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What the CLI must know of an org before it connects, as the control plane said it at {@code fetchedAt}: where
 * the gateway is and its host key, the org's host and user CA keys, the host keys of removed machines, the
 * revocation list (KRL) and the person's default login there. Every value is checked with {@link ServerAnswers}
 * when fetched and again when read from the cache ({@link FactsCache}), so a cache file holds nothing a server
 * answer could not.
 *
 * @param gateway {@code HOST:PORT}
 * @param krl the org's KRL, base64; "" when the server serves none
 * @param defaultLogin null when the org gave the person none (a member without a login)
 */
public record OrgFacts(String org, Instant fetchedAt, String gateway, String gatewayHostKey, String hostCa,
                       String userCa, List<String> revokedHostKeys, String krl, String defaultLogin) {
    public OrgFacts {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        revokedHostKeys = List.copyOf(revokedHostKeys);
        krl = krl == null ? "" : krl;
    }

    /** Asks the control plane (five calls), checking every answer. */
    public static OrgFacts fetch(Session session, String org, Instant now) {
        ApiClient api = session.api();
        ServerAnswers answers = ServerAnswers.of(api);
        WhoAmI me = api.get("/v1/whoami", WhoAmI.class);
        String login = me == null ? null : me.orgs().stream().filter(o -> o.org().equals(org))
                .map(OrgRole::defaultLogin).filter(Objects::nonNull).findFirst().orElse(null);
        GatewayView gw = Targets.gateway(api);
        AuthorityView ca = api.get("/v1/orgs/" + ApiClient.segment(org) + "/ca", AuthorityView.class);
        List<String> revoked = Targets.revokedHostKeyLines(api, answers, org);
        String krl;
        try {
            byte[] bytes = api.getBytes("/v1/orgs/" + ApiClient.segment(org) + "/revocations.krl");
            krl = Base64.getEncoder().encodeToString(bytes == null ? new byte[0] : bytes);
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            krl = ""; // a server from before KRLs: nothing revoked that it could tell
        }
        return new OrgFacts(org, now, gw.address(), gw.hostKey(), ca == null ? null : ca.hostCaPublicKey(),
                ca == null ? null : ca.userCaPublicKey(), revoked, krl, login).checked(answers);
    }

    /**
     * This, every value checked as an answer of the server (a refusal names the field), keys written again as
     * {@code type base64}.
     */
    OrgFacts checked(ServerAnswers answers) {
        answers.name("org name", org);
        HostPort gw = answers.hostPort("gateway address", gateway);
        String gwKey = answers.publicKey("gateway host key", gatewayHostKey);
        String host = answers.publicKey("host CA key of org " + org, hostCa);
        String user = answers.publicKey("user CA key of org " + org, userCa);
        List<String> revoked = revokedHostKeys.stream()
                .map(k -> answers.publicKey("revoked host key of org " + org, k)).toList();
        try {
            if (!krl.isEmpty()) {
                RevocationList.parse(Base64.getDecoder().decode(krl));
            }
        } catch (IllegalArgumentException e) {
            throw answers.refusal("revocation list of org " + org, krl.length() > 40 ? krl.substring(0, 40) : krl,
                    "an OpenSSH KRL (" + e.getMessage() + ")");
        }
        String login = defaultLogin == null ? null : answers.login("default login name", defaultLogin);
        return new OrgFacts(org, fetchedAt, gw.host().contains(":") ? "[" + gw.host() + "]:" + gw.port()
                : gw.host() + ":" + gw.port(), gwKey, host, user, revoked, krl, login);
    }

    /**
     * These facts, never trusting a host less than {@code older} did: removed machines' host keys stay revoked. The
     * KRL is this answer's, whatever its version: it only tells which of the person's own certificates the gateway
     * and agents (which judge by the server's current list) would refuse, so it must be the current one. A cached
     * list with a higher version means the server's counts went back (restored from a backup); kept, it hid every
     * later revocation here for good, and {@code ssh config --write} named a revoked kept certificate.
     */
    OrgFacts keepingRevocations(OrgFacts older) {
        if (older == null || !older.org.equals(org)) {
            return this;
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>(revokedHostKeys);
        keys.addAll(older.revokedHostKeys);
        return new OrgFacts(org, fetchedAt, gateway, gatewayHostKey, hostCa, userCa, new ArrayList<>(keys), krl,
                defaultLogin);
    }

    public HostPort gatewayAddress() {
        return dev.postern.cli.client.SshSyntax.hostPort(gateway).orElseThrow();
    }

    public PublicKey gatewayKey() {
        return OpenSshKeys.parsePublicKey(gatewayHostKey);
    }

    public PublicKey hostCaKey() {
        return OpenSshKeys.parsePublicKey(hostCa);
    }

    public PublicKey userCaKey() {
        return OpenSshKeys.parsePublicKey(userCa);
    }

    public List<PublicKey> revokedKeys() {
        return revokedHostKeys.stream().map(OpenSshKeys::parsePublicKey).toList();
    }

    /** The org's revocation list; revokes nothing when the server serves none. */
    public RevocationList revocations() {
        return krl.isEmpty() ? RevocationList.empty() : RevocationList.parse(Base64.getDecoder().decode(krl));
    }
}
