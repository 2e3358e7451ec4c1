package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.CreateAppRequest;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.EstablishRequest;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.RevokeRequest;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();

    private ControlPlane start(String masterKeyEnv) {
        return ControlPlane.start(new ControlPlaneConfig(dir.resolve("data"), null, "127.0.0.1", 0, clock, masterKeyEnv,
                "boss@example.com"));
    }

    private static String login(Http http, String oneTime) {
        Http.Reply r = http.post("/v1/auth/login", oneTime, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    private String publicKey() {
        Path key = dir.resolve("k" + System.nanoTime());
        ProcessResult r = Processes.run(Duration.ofSeconds(20),
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        try {
            return Files.readString(Path.of(key + ".pub")).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void healthMetricsAndBootstrapOnce() throws Exception {
        String token;
        try (ControlPlane cp = start(null)) {
            Http http = new Http(cp.baseUrl());
            assertThat(http.get("/health", null).status()).isEqualTo(200);
            token = cp.bootstrapToken().orElseThrow();
            Path file = dir.resolve("data/bootstrap-token");
            assertThat(Files.readString(file).trim()).isEqualTo(token);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/master.key"))))
                    .isEqualTo("rw-------");
            String session = login(http, token);
            assertThat(http.post("/v1/auth/login", token, null).status()).as("one-time token reused").isEqualTo(401);
            assertThat(http.get("/v1/whoami", session).json().get("email").asText()).isEqualTo("boss@example.com");
            assertThat(http.get("/v1/whoami", token).status()).as("one-time token is not a session").isEqualTo(401);
            assertThat(http.get("/v1/whoami", "pst_wrong").status()).isEqualTo(401);
            assertThat(http.get("/metrics", null).text()).contains("postern_certificates_issued_total",
                    "postern_http_requests_total",
                    "postern_gateway_tunnel_conflicts_total{outcome=\"refused\"} 0.0",
                    "postern_gateway_tunnel_conflicts_total{outcome=\"replaced\"} 0.0",
                    "postern_ssh_preauth_refused_total{reason=\"failed-logins\"} 0.0",
                    "postern_ssh_preauth_refused_total{reason=\"per-source-cap\"} 0.0",
                    "postern_ssh_preauth_refused_total{reason=\"total-cap\"} 0.0",
                    "postern_ssh_preauth_refused_total{reason=\"auth-timeout\"} 0.0");
        }
        try (ControlPlane cp = start(null)) {
            assertThat(cp.bootstrapToken()).as("second start").isEmpty();
        }
    }

    /** The gateway's pre-login limits count on /metrics: 64 idle connections from one address, then one more. */
    @Test
    void gatewayRefusalsAreCountedOnMetrics() throws Exception {
        try (ControlPlane cp = start(null)) {
            String gw = cp.gatewayAddress().orElseThrow();
            int port = Integer.parseInt(gw.substring(gw.lastIndexOf(':') + 1));
            InetAddress source = InetAddress.getByName("127.0.0.21");
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i <= 64; i++) {
                    Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, source, 0);
                    s.setSoTimeout(20_000);
                    idle.add(s);
                    String banner = new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII);
                    assertThat(banner).isEqualTo("SSH-2.0-");
                }
                String metrics = new Http(cp.baseUrl()).get("/metrics", null).text();
                assertThat(metrics).contains("postern_ssh_preauth_refused_total{reason=\"per-source-cap\"} 1.0");
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    @Test
    void sessionTokenExpires() {
        try (ControlPlane cp = start(null)) {
            Http http = new Http(cp.baseUrl());
            String session = login(http, cp.bootstrapToken().orElseThrow());
            clock.advance(AuthRoutes.SESSION_TTL.plusSeconds(1));
            Http.Reply r = http.get("/v1/whoami", session);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("error").asText()).contains("expired", "postern auth login");
        }
    }

    @Test
    void orgCaIssueRevokeAndRestartKeepsEverything() throws Exception {
        String session;
        long serial;
        String userCa;
        try (ControlPlane cp = start(null)) {
            Http http = new Http(cp.baseUrl());
            session = login(http, cp.bootstrapToken().orElseThrow());
            assertThat(http.post("/v1/orgs", session, new CreateOrgRequest("acme")).status()).isEqualTo(201);
            assertThat(http.post("/v1/orgs", session, new CreateOrgRequest("acme")).status()).isEqualTo(409);
            assertThat(http.post("/v1/orgs", session, new CreateOrgRequest("Bad Name")).status()).isEqualTo(400);
            assertThat(http.post("/v1/orgs/acme/apps", session, new CreateAppRequest("web")).status()).isEqualTo(201);

            Http.Reply noCa = http.post("/v1/orgs/acme/certificates", session, new IssueRequest(null, publicKey(), null, 24));
            assertThat(noCa.status()).isEqualTo(412);
            assertThat(noCa.json().get("error").asText()).contains("postern ssh establish acme");

            Http.Reply ca = http.post("/v1/orgs/acme/ca", session, new EstablishRequest(false));
            assertThat(ca.status()).as(ca.text()).isEqualTo(201);
            userCa = ca.json().get("userCaPublicKey").asText();
            assertThat(userCa).startsWith("ssh-ed25519 ");
            assertThat(ca.text()).doesNotContain("Sealed", "PRIVATE");
            Http.Reply again = http.post("/v1/orgs/acme/ca", session, new EstablishRequest(false));
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json().get("error").asText()).contains("--override", "invalidates");

            for (int hours : new int[] {0, 73}) {
                Http.Reply bad = http.post("/v1/orgs/acme/certificates", session,
                        new IssueRequest(null, publicKey(), null, hours));
                assertThat(bad.status()).isEqualTo(400);
                assertThat(bad.json().get("error").asText()).contains("hours " + hours, "1 to 72");
            }
            Http.Reply nonMember = http.post("/v1/orgs/acme/certificates", session,
                    new IssueRequest("stranger@example.com", publicKey(), null, 24));
            assertThat(nonMember.status()).isEqualTo(400);
            assertThat(nonMember.json().get("error").asText()).contains("not a member", "postern members add");
            assertThat(http.get("/v1/orgs/acme/certificates", session).json()).isEmpty();

            Http.Reply issued = http.post("/v1/orgs/acme/certificates", session,
                    new IssueRequest(null, publicKey(), List.of("root", "deploy"), 24));
            assertThat(issued.status()).as(issued.text()).isEqualTo(201);
            JsonNode log = issued.json().get("log");
            serial = log.get("serial").asLong();
            assertThat(log.get("keyId").asText()).isEqualTo("postern:acme:boss@example.com:" + serial);
            assertThat(issued.json().get("certificate").asText()).startsWith("ssh-ed25519-cert-v01@openssh.com ");

            Http.Reply revoke = http.post("/v1/orgs/acme/revocations", session, new RevokeRequest(serial, null));
            assertThat(revoke.json().get("serials").get(0).asLong()).isEqualTo(serial);
            Http.Reply krl = http.get("/v1/orgs/acme/revocations.krl", null);
            assertThat(krl.status()).isEqualTo(200);
            assertThat(new String(krl.body(), 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SSHKRL");
            Path certFile = dir.resolve("issued-cert.pub");
            Files.writeString(certFile, issued.json().get("certificate").asText() + "\n");
            Path krlFile = dir.resolve("krl");
            Files.write(krlFile, krl.body());
            ProcessResult q = Processes.run(Duration.ofSeconds(20),
                    List.of("ssh-keygen", "-Q", "-f", krlFile.toString(), certFile.toString()));
            assertThat(q.stdout()).as(q.toString()).contains("REVOKED");

            JsonNode audit = http.get("/v1/audit?org=acme", session).json();
            assertThat(audit.findValuesAsText("action")).contains("org.create", "ca.establish", "certificate.issue",
                    "certificate.revoke", "app.create");
            assertThat(audit.toString()).doesNotContain("pst_");
        }
        try (ControlPlane cp = start(null)) {
            Http http = new Http(cp.baseUrl());
            assertThat(http.get("/v1/orgs", session).json().findValuesAsText("name")).containsExactly("acme");
            assertThat(http.get("/v1/orgs/acme/ca", null).json().get("userCaPublicKey").asText()).isEqualTo(userCa);
            JsonNode certs = http.get("/v1/orgs/acme/certificates", session).json();
            assertThat(certs).hasSize(1);
            assertThat(certs.get(0).get("serial").asLong()).isEqualTo(serial);
            assertThat(certs.get(0).get("revoked").asBoolean()).isTrue();
            assertThat(http.post("/v1/orgs/acme/certificates", session, new IssueRequest(null, publicKey(), null, 1))
                    .status()).as("the CA still signs after a restart").isEqualTo(201);
        }
    }

    @Test
    void membersSeeOnlyTheirOrgsAndMayNotBeRoot() {
        try (ControlPlane cp = start(null)) {
            Http http = new Http(cp.baseUrl());
            String boss = login(http, cp.bootstrapToken().orElseThrow());
            http.post("/v1/orgs", boss, new CreateOrgRequest("acme"));
            http.post("/v1/orgs", boss, new CreateOrgRequest("other"));
            http.post("/v1/orgs/acme/ca", boss, new EstablishRequest(false));
            Http.Reply added = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("Jane@Example.com", "member"));
            assertThat(added.status()).as(added.text()).isEqualTo(201);
            String jane = login(http, added.json().get("inviteToken").asText());
            assertThat(http.post("/v1/orgs/acme/apps", boss, new CreateAppRequest("web")).status()).isEqualTo(201);
            assertThat(http.post("/v1/orgs/acme/apps/web/access", boss, new dev.postern.common.api.GrantAccessRequest(
                    "jane@example.com", List.of("jane"))).status()).isEqualTo(200);
            assertThat(http.get("/v1/orgs", jane).json().findValuesAsText("name")).containsExactly("acme");
            assertThat(http.get("/v1/orgs/other/apps", jane).status()).isEqualTo(404);
            assertThat(http.post("/v1/orgs/acme/members", jane, new AddMemberRequest("x@example.com", "member")).status())
                    .isEqualTo(403);
            assertThat(http.post("/v1/orgs/acme/certificates", jane, new IssueRequest(null, publicKey(), List.of("root"), 24))
                    .status()).isEqualTo(403);
            Http.Reply otherLogin = http.post("/v1/orgs/acme/certificates", jane,
                    new IssueRequest(null, publicKey(), List.of("ubuntu"), 24));
            assertThat(otherLogin.status()).as("a member asks for another account").isEqualTo(403);
            assertThat(otherLogin.json().get("error").asText()).contains("web: jane", "not 'ubuntu'");
            Http.Reply own = http.post("/v1/orgs/acme/certificates", jane, new IssueRequest(null, publicKey(), null, 24));
            assertThat(own.status()).as(own.text()).isEqualTo(201);
            assertThat(own.json().get("log").get("principals").get(0).asText()).isEqualTo("jane");
            long janeSerial = own.json().get("log").get("serial").asLong();
            assertThat(http.get("/v1/orgs/acme/revocations", null).status()).as("names people: members only")
                    .isEqualTo(401);
            assertThat(http.delete("/v1/orgs/acme/members/jane@example.com", boss).status()).isEqualTo(200);
            assertThat(http.get("/v1/orgs/acme/apps", jane).status()).as("her last org: session ended").isEqualTo(401);
            assertThat(http.get("/v1/orgs/acme/revocations", boss).json().findValuesAsText("serial"))
                    .as("leaving the org revokes their certificates").contains(Long.toString(janeSerial));
        }
    }

    @Test
    void addingSomeoneWhoAlreadyHasALoginGivesNoTokenForTheirAccount() {
        try (ControlPlane cp = start(null)) {
            Http http = new Http(cp.baseUrl());
            String boss = login(http, cp.bootstrapToken().orElseThrow());
            http.post("/v1/orgs", boss, new CreateOrgRequest("acme"));
            Http.Reply mallory = http.post("/v1/orgs/acme/members", boss,
                    new AddMemberRequest("mallory@example.com", "member"));
            String mal = login(http, mallory.json().get("inviteToken").asText());
            http.post("/v1/orgs", mal, new CreateOrgRequest("evil"));
            Http.Reply takeover = http.post("/v1/orgs/evil/members", mal,
                    new AddMemberRequest("boss@example.com", "member"));
            assertThat(takeover.status()).as(takeover.text()).isEqualTo(201);
            assertThat(takeover.json().get("inviteToken").isNull()).as("no login token for an existing person").isTrue();
            assertThat(http.get("/v1/orgs", boss).json().findValuesAsText("name")).contains("acme", "evil");
        }
    }

    @Test
    void wrongMasterKeyStopsTheServerAndChangesNothing() throws Exception {
        String good = Base64.getEncoder().encodeToString(new byte[32]);
        byte[] other = new byte[32];
        other[0] = 1;
        try (ControlPlane cp = start(good)) {
            Http http = new Http(cp.baseUrl());
            String s = login(http, cp.bootstrapToken().orElseThrow());
            http.post("/v1/orgs", s, new CreateOrgRequest("acme"));
            http.post("/v1/orgs/acme/ca", s, new EstablishRequest(false));
        }
        assertThat(dir.resolve("data/bootstrap-token")).as("deleted at its first use").doesNotExist();
        assertThatThrownBy(() -> start(Base64.getEncoder().encodeToString(other)))
                .hasMessageContaining("wrong master key").hasMessageContaining("Nothing was changed");
        assertThat(dir.resolve("data/bootstrap-token")).as("no new bootstrap with a wrong key").doesNotExist();
        assertThat(dir.resolve("data/master.key")).doesNotExist();
        try (ControlPlane cp = start(good)) {
            assertThat(new Http(cp.baseUrl()).get("/v1/orgs/acme/ca", null).status()).isEqualTo(200);
        }
    }
}
