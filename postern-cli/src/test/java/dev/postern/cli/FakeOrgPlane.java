package dev.postern.cli;

import dev.postern.common.AppScope;
import dev.postern.common.Json;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.CertificateView;
import dev.postern.common.api.GatewayView;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.IssueResponse;
import dev.postern.common.api.MachineView;
import dev.postern.common.api.OrgRole;
import dev.postern.common.api.OrgView;
import dev.postern.common.api.WhoAmI;
import dev.postern.ssh.OpenSshKeys;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * A {@link FakeControlPlane} that answers as a server with one org and app whose person is its owner: a gateway, CA
 * keys of its own, the machines the test names, and real user certificates (serial 7, for {@code root}, every app)
 * for the keys the CLI sends. It plays a hostile control plane that chose its names to match another server's.
 */
final class FakeOrgPlane {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private FakeOrgPlane() {
    }

    /** Answers for {@code org} and {@code app} of {@code email}; returns the keys it announced. */
    static Keys serve(FakeControlPlane plane, String org, String app, String email, String gatewayAddress,
                      List<String> machineIds) {
        try {
            KeyPair userCa = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            Keys keys = new Keys(newKey(), newKey(), OpenSshKeys.toLine(userCa.getPublic()));
            plane.answer("GET /v1/orgs", List.of(new OrgView(org, "owner", NOW, true)))
                    .answer("GET /v1/gateway", new GatewayView(gatewayAddress, keys.gateway() + " gateway of " + org))
                    .answer("GET /v1/orgs/" + org + "/ca", new AuthorityView(org, keys.userCa() + " user-ca",
                            keys.hostCa() + " host-ca", NOW, false))
                    .answer("GET /v1/whoami", new WhoAmI(email, List.of(new OrgRole(org, "owner", "root"))))
                    .answer("GET /v1/orgs/" + org + "/apps/" + app + "/machines", machineIds.stream()
                            .map(id -> machine(app, id, id + ".vm." + app + ".internal")).toList())
                    // 'ssh config --write' keeps a key and certificate for the org: a good answer certifies the sent key
                    .answerWith("POST /v1/orgs/" + org + "/certificates", body -> certify(userCa, org, email, body));
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public keys a served org announced, as {@code type base64}. */
    record Keys(String gateway, String hostCa, String userCa) {
    }

    static MachineView machine(String app, String id, String name) {
        return new MachineView(id, app, name, "fra", "fd00::1", "online", NOW);
    }

    static IssueResponse certify(KeyPair ca, String org, String email, byte[] body) {
        try {
            IssueRequest req = Json.mapper().readValue(body, IssueRequest.class);
            String keyId = "postern:" + org + ":" + email + ":7";
            OpenSshCertificate cert = OpenSshCertificateBuilder.userCertificate()
                    .publicKey(OpenSshKeys.parsePublicKey(req.publicKey())).serial(7)
                    .id(keyId).principals(List.of("root"))
                    .extensions(Map.of(AppScope.EXTENSION, AppScope.ALL))
                    .validAfter(NOW.getEpochSecond() - 60).validBefore(Instant.now().plusSeconds(3600)
                            .getEpochSecond())
                    .sign(ca, KeyPairProvider.SSH_ED25519);
            CertificateView log = new CertificateView(7, keyId, email, List.of("root"), "SHA256:x",
                    NOW, NOW.plusSeconds(3600), email, NOW, false, null, null);
            return new IssueResponse(log, OpenSshKeys.toLine(cert));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String newKey() throws GeneralSecurityException {
        return OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
    }
}
