package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.AppScope;
import dev.postern.common.api.AccessCheckRequest;
import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.CreateAppRequest;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.EstablishRequest;
import dev.postern.common.api.GrantAccessRequest;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.SetMemberRequest;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access API against a real control plane (raw HTTP): what a member's grants let the issuer sign, played by a
 * member who tries to carry a login granted on one app over to another, to learn others' grants, to keep grants
 * across a removal, and to take a shared account as someone's personal login.
 */
class AccessGrantsIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private ControlPlane cp;
    private Http http;
    private String boss;
    private String bob;

    @BeforeEach
    void orgWithTwoAppsAndAMember() {
        cp = ControlPlane.start(new ControlPlaneConfig(dir.resolve("data"), null, "127.0.0.1", 0, clock, null,
                "boss@example.com"));
        http = new Http(cp.baseUrl());
        boss = login(cp.bootstrapToken().orElseThrow());
        assertThat(http.post("/v1/orgs", boss, new CreateOrgRequest("acme")).status()).isEqualTo(201);
        assertThat(http.post("/v1/orgs/acme/ca", boss, new EstablishRequest(false)).status()).isEqualTo(201);
        for (String app : List.of("web", "db")) {
            assertThat(http.post("/v1/orgs/acme/apps", boss, new CreateAppRequest(app)).status()).isEqualTo(201);
        }
        Http.Reply added = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("bob@example.com", "member"));
        bob = login(added.json().get("inviteToken").asText());
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    @Test
    void aLoginGrantedOnOneAppIsNeverCarriedToAnother() {
        grant("web", "bob@example.com", "app");
        grant("db", "bob@example.com", "deploy");
        Http.Reply both = issue(bob, null, null);
        assertThat(both.status()).as("the grants share no login: no certificate for both").isEqualTo(400);
        assertThat(error(both)).contains("share no login", "--app");
        Http.Reply carried = issue(bob, List.of("deploy"), List.of("web", "db"));
        assertThat(carried.status()).as(carried.text()).isEqualTo(403);
        assertThat(error(carried)).contains("not 'deploy'");
        Http.Reply deployOnWeb = issue(bob, List.of("deploy"), List.of("web"));
        assertThat(deployOnWeb.status()).as(deployOnWeb.text()).isEqualTo(403);

        OpenSshCertificate web = certificate(issue(bob, null, List.of("web")));
        assertThat(web.getPrincipals()).containsExactly("app");
        assertThat(apps(web)).isEqualTo("web");

        grant("db", "bob@example.com", "app", "deploy");
        OpenSshCertificate shared = certificate(issue(bob, null, null));
        assertThat(shared.getPrincipals()).as("only what both grants give").containsExactly("app");
        assertThat(apps(shared)).isEqualTo("db,web");
    }

    @Test
    void aLoginTakenAwayDoesNotLiveOnInCertificatesButAWiderGrantKeepsThem() {
        grant("web", "bob@example.com", "app");
        long first = issue(bob, null, null).json().get("log").get("serial").asLong();
        grant("web", "bob@example.com", "app", "deploy");
        assertThat(revoked()).as("widened: nothing to take back").isEmpty();
        long second = issue(bob, List.of("deploy"), null).json().get("log").get("serial").asLong();
        grant("web", "bob@example.com", "app");
        assertThat(revoked()).as("deploy taken away: certificates carrying it revoked (agents reached directly)")
                .contains(Long.toString(first), Long.toString(second));
    }

    private List<String> revoked() {
        return http.get("/v1/orgs/acme/revocations", boss).json().findValuesAsText("serial");
    }

    @Test
    void ownersAndAdminsGetEveryAppUnlessTheyNameSome() {
        OpenSshCertificate all = certificate(issue(boss, null, null));
        assertThat(all.getPrincipals()).containsExactly("root");
        assertThat(apps(all)).isEqualTo(AppScope.ALL);
        assertThat(apps(certificate(issue(boss, List.of("deploy"), List.of("db"))))).isEqualTo("db");
        Http.Reply unknown = issue(boss, null, List.of("nope"));
        assertThat(unknown.status()).as(unknown.text()).isEqualTo(404);
        Http.Reply forBob = http.post("/v1/orgs/acme/certificates", boss,
                new IssueRequest("bob@example.com", publicKey(), List.of("root"), 1, List.of("web")));
        assertThat(forBob.status()).as("an admin issuing for a member: the member's grants rule").isEqualTo(403);
    }

    @Test
    void membersSeeOnlyTheirOwnGrantsAndMayNotGrantOrCheckOthers() {
        Http.Reply amyAdded = http.post("/v1/orgs/acme/members", boss,
                new AddMemberRequest("amy@example.com", "member"));
        String amy = login(amyAdded.json().get("inviteToken").asText());
        grant("web", "bob@example.com", "app");
        grant("web", "amy@example.com", "amy");
        assertThat(http.get("/v1/orgs/acme/access", boss).json().findValuesAsText("email"))
                .containsExactly("amy@example.com", "bob@example.com");
        assertThat(http.get("/v1/orgs/acme/apps/web/access", amy).json().findValuesAsText("email"))
                .containsExactly("amy@example.com");
        assertThat(http.post("/v1/orgs/acme/apps/web/access", amy,
                new GrantAccessRequest("amy@example.com", List.of("app"))).status()).isEqualTo(403);
        assertThat(http.delete("/v1/orgs/acme/apps/web/access/bob@example.com", amy).status()).isEqualTo(403);
        assertThat(http.post("/v1/orgs/acme/apps/web/access/check", amy,
                new AccessCheckRequest("bob@example.com", "app", null)).status()).isEqualTo(403);
        JsonNode own = http.post("/v1/orgs/acme/apps/web/access/check", amy,
                new AccessCheckRequest(null, "amy", null)).json();
        assertThat(own.get("allowed").asBoolean()).as(own.toString()).isTrue();
        assertThat(http.delete("/v1/orgs/acme/apps/db/access/bob@example.com", boss).status())
                .as("no grant there").isEqualTo(404);
    }

    @Test
    void grantsEndWithTheMembershipAndSharedAccountsAreNeverSomeonesOwnLogin() {
        grant("web", "bob@example.com", "app");
        Http.Reply taken = http.post("/v1/orgs/acme/members", boss,
                new AddMemberRequest("carl@example.com", "member", "app"));
        assertThat(taken.status()).as(taken.text()).isEqualTo(409);
        assertThat(error(taken)).contains("granted to bob@example.com");
        Http.Reply proposal = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("app@example.com",
                "member"));
        assertThat(proposal.status()).as("the e-mail's local part is a shared account: " + proposal.text())
                .isEqualTo(409);
        Http.Reply rename = http.patch("/v1/orgs/acme/members/boss@example.com", boss, new SetMemberRequest("app"));
        assertThat(rename.status()).as(rename.text()).isEqualTo(409);

        assertThat(http.delete("/v1/orgs/acme/members/bob@example.com", boss).status()).isEqualTo(200);
        Http.Reply again = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("bob@example.com", "member"));
        assertThat(again.status()).as(again.text()).isEqualTo(201);
        assertThat(http.get("/v1/orgs/acme/access", boss).json()).as("added again, with no grant").isEmpty();
        List<String> actions = http.get("/v1/audit?org=acme", boss).json().findValuesAsText("action");
        assertThat(actions).contains("access.grant");
    }

    private void grant(String app, String email, String... logins) {
        Http.Reply r = http.post("/v1/orgs/acme/apps/" + app + "/access", boss,
                new GrantAccessRequest(email, List.of(logins)));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private Http.Reply issue(String token, List<String> principals, List<String> apps) {
        return http.post("/v1/orgs/acme/certificates", token, new IssueRequest(null, publicKey(), principals, 1, apps));
    }

    private static OpenSshCertificate certificate(Http.Reply issued) {
        assertThat(issued.status()).as(issued.text()).isEqualTo(201);
        return (OpenSshCertificate) OpenSshKeys.parsePublicKey(issued.json().get("certificate").asText());
    }

    private static String apps(OpenSshCertificate cert) {
        return cert.getExtensions().stream().filter(e -> e.getName().equals(AppScope.EXTENSION))
                .map(OpenSshCertificate.CertificateOption::getData).findFirst().orElse(null);
    }

    private String login(String oneTime) {
        Http.Reply r = http.post("/v1/auth/login", oneTime, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    private static String error(Http.Reply r) {
        return r.json().get("error").asText();
    }

    private String publicKey() {
        Path key = dir.resolve("k" + System.nanoTime());
        ProcessResult r = Processes.run(Duration.ofSeconds(20),
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        try {
            return Files.readString(Path.of(key + ".pub")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
