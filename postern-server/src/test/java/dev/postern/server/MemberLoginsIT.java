package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.Role;
import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.EstablishRequest;
import dev.postern.common.api.CreateAppRequest;
import dev.postern.common.api.GrantAccessRequest;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.SetMemberRequest;
import dev.postern.store.ApiToken;
import dev.postern.store.JdbcStore;
import dev.postern.store.Org;
import dev.postern.store.Person;
import dev.postern.store.StoreConfig;
import dev.postern.store.TokenKind;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A member's login is the org's decision, never their e-mail's: {@code root@example.com} never gets {@code root},
 * two {@code bob@} addresses never share {@code bob}, and certificates carry exactly the assigned login. Run on
 * embedded H2 and on PostgreSQL.
 */
class MemberLoginsIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private Databases db;

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    private ControlPlane start(String kind) {
        if (db == null) {
            db = Databases.of(kind);
        }
        return ControlPlane.start(new ControlPlaneConfig(dir.resolve("data"), db.jdbcUrl(), "127.0.0.1", 0, clock,
                null, "boss@example.com"));
    }

    private static String login(Http http, String oneTime) {
        Http.Reply r = http.post("/v1/auth/login", oneTime, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    /** Boss's session in a new org {@code acme} with its CA. */
    private static String bossWithOrg(ControlPlane cp, Http http) {
        String boss = login(http, cp.bootstrapToken().orElseThrow());
        assertThat(http.post("/v1/orgs", boss, new CreateOrgRequest("acme")).status()).isEqualTo(201);
        assertThat(http.post("/v1/orgs/acme/ca", boss, new EstablishRequest(false)).status()).isEqualTo(201);
        assertThat(http.post("/v1/orgs/acme/apps", boss, new CreateAppRequest("web")).status()).isEqualTo(201);
        return boss;
    }

    /** Lets {@code email} reach app web as their own login: members need a grant to be issued anything. */
    private static void grantOwn(Http http, String boss, String email, String login) {
        Http.Reply g = http.post("/v1/orgs/acme/apps/web/access", boss, new GrantAccessRequest(email, List.of(login)));
        assertThat(g.status()).as(g.text()).isEqualTo(200);
    }

    private String publicKey() {
        Path key = dir.resolve("k" + System.nanoTime());
        ProcessResult r = Processes.run(Duration.ofSeconds(20),
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return read(Path.of(key + ".pub"));
    }

    /** The principals in a certificate, as OpenSSH reads it. */
    private List<String> principals(String certificateLine) {
        Path cert = dir.resolve("c" + System.nanoTime() + "-cert.pub");
        try {
            Files.writeString(cert, certificateLine + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessResult r = Processes.run(Duration.ofSeconds(20), List.of("ssh-keygen", "-L", "-f", cert.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : r.stdout().lines().toList()) {
            String t = line.trim();
            if (t.startsWith("Principals:")) {
                in = true;
            } else if (in && line.startsWith("                ")) {
                out.add(t);
            } else {
                in = false;
            }
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String error(Http.Reply r) {
        return r.json().get("error").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "pg"})
    void rootAtExampleComNeverGetsRoot(String kind) {
        try (ControlPlane cp = start(kind)) {
            Http http = new Http(cp.baseUrl());
            String boss = bossWithOrg(cp, http);
            Http.Reply proposed = http.post("/v1/orgs/acme/members", boss,
                    new AddMemberRequest("root@example.com", "member"));
            assertThat(proposed.status()).as(proposed.text()).isEqualTo(400);
            assertThat(error(proposed)).contains("'root' is a reserved name", "--login NAME");
            for (String reserved : new String[] {"root", "toor", "daemon", "systemd-timesync", "www-data", "sshd"}) {
                Http.Reply asked = http.post("/v1/orgs/acme/members", boss,
                        new AddMemberRequest("root@example.com", "member", reserved));
                assertThat(asked.status()).as(reserved + ": " + asked.text()).isEqualTo(400);
                assertThat(error(asked)).contains("reserved");
            }
            assertThat(http.get("/v1/orgs/acme/members", boss).json().findValuesAsText("email"))
                    .as("nothing was added").doesNotContain("root@example.com");

            Http.Reply added = http.post("/v1/orgs/acme/members", boss,
                    new AddMemberRequest("root@example.com", "member", "rooty"));
            assertThat(added.status()).as(added.text()).isEqualTo(201);
            assertThat(added.json().get("login").asText()).isEqualTo("rooty");
            String member = login(http, added.json().get("inviteToken").asText());
            grantOwn(http, boss, "root@example.com", "rooty");
            Http.Reply grantRoot = http.post("/v1/orgs/acme/apps/web/access", boss,
                    new GrantAccessRequest("root@example.com", List.of("rooty", "root")));
            assertThat(grantRoot.status()).as("root is never granted to a member").isEqualTo(400);

            Http.Reply asRoot = http.post("/v1/orgs/acme/certificates", member,
                    new IssueRequest(null, publicKey(), List.of("root"), 24));
            assertThat(asRoot.status()).as(asRoot.text()).isEqualTo(403);
            assertThat(error(asRoot)).contains("web: rooty", "not 'root'");
            Http.Reply own = http.post("/v1/orgs/acme/certificates", member, new IssueRequest(null, publicKey(), null, 1));
            assertThat(own.status()).as(own.text()).isEqualTo(201);
            assertThat(principals(own.json().get("certificate").asText())).containsExactly("rooty");
            Http.Reply setRoot = http.patch("/v1/orgs/acme/members/root@example.com", boss, new SetMemberRequest("root"));
            assertThat(setRoot.status()).as(setRoot.text()).isEqualTo(400);
            assertThat(error(setRoot)).contains("reserved");
            JsonNode whoami = http.get("/v1/whoami", member).json().get("orgs").get(0);
            assertThat(whoami.get("defaultLogin").asText()).isEqualTo("rooty");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "pg"})
    void twoBobsInOneOrgCannotBothBeBob(String kind) {
        try (ControlPlane cp = start(kind)) {
            Http http = new Http(cp.baseUrl());
            String boss = bossWithOrg(cp, http);
            Http.Reply bobA = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("bob@a.example", "member"));
            assertThat(bobA.status()).as(bobA.text()).isEqualTo(201);
            assertThat(bobA.json().get("login").asText()).as("the proposal: a free, valid local part").isEqualTo("bob");

            Http.Reply proposed = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("bob@b.example", "member"));
            assertThat(proposed.status()).as(proposed.text()).isEqualTo(400);
            assertThat(error(proposed)).contains("already bob@a.example's login", "--login NAME");
            Http.Reply asked = http.post("/v1/orgs/acme/members", boss,
                    new AddMemberRequest("bob@b.example", "member", "bob"));
            assertThat(asked.status()).as(asked.text()).isEqualTo(409);
            assertThat(error(asked)).contains("'bob'", "bob@a.example", "--login NAME");
            Http.Reply asAdmin = http.post("/v1/orgs/acme/members", boss,
                    new AddMemberRequest("bob@b.example", "admin", "bob"));
            assertThat(asAdmin.status()).as("admins share no login either").isEqualTo(409);

            Http.Reply bobB = http.post("/v1/orgs/acme/members", boss,
                    new AddMemberRequest("bob@b.example", "member", "bobby"));
            assertThat(bobB.status()).as(bobB.text()).isEqualTo(201);
            Http.Reply steal = http.patch("/v1/orgs/acme/members/bob@b.example", boss, new SetMemberRequest("bob"));
            assertThat(steal.status()).as(steal.text()).isEqualTo(409);

            JsonNode members = http.get("/v1/orgs/acme/members", boss).json();
            assertThat(members.findValuesAsText("login")).contains("bob", "bobby");
            String b = login(http, bobB.json().get("inviteToken").asText());
            Http.Reply grantBob = http.post("/v1/orgs/acme/apps/web/access", boss,
                    new GrantAccessRequest("bob@b.example", List.of("bob")));
            assertThat(grantBob.status()).as("bob@a's own login is never granted to bob@b").isEqualTo(400);
            grantOwn(http, boss, "bob@b.example", "bobby");
            Http.Reply asBob = http.post("/v1/orgs/acme/certificates", b,
                    new IssueRequest(null, publicKey(), List.of("bob"), 1));
            assertThat(asBob.status()).as("bob@b asks for bob@a's account").isEqualTo(403);
            Http.Reply own = http.post("/v1/orgs/acme/certificates", b, new IssueRequest(null, publicKey(), null, 1));
            assertThat(principals(own.json().get("certificate").asText())).containsExactly("bobby");
            Http.Reply selfService = http.patch("/v1/orgs/acme/members/bob@b.example", b, new SetMemberRequest("bobb"));
            assertThat(selfService.status()).as("members may not pick their own login").isEqualTo(403);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "pg"})
    void aMemberWithoutALoginIsRefusedUntilAnAdminAssignsOne(String kind) {
        String inviteToken = "pst_member_from_before_logins";
        String boss;
        try (ControlPlane cp = start(kind)) {
            boss = bossWithOrg(cp, new Http(cp.baseUrl()));
        }
        // a membership from before logins existed (the V3 migration leaves it without one)
        StoreConfig config = db.jdbcUrl() == null ? StoreConfig.h2(dir.resolve("data")) : StoreConfig.parse(db.jdbcUrl());
        try (JdbcStore store = JdbcStore.open(config)) {
            Org acme = store.orgs().byName("acme").orElseThrow();
            Person old = store.people().create("root@example.com", clock.instant());
            store.orgs().addMember(acme.id(), old.id(), Role.MEMBER, clock.instant());
            store.tokens().create(new ApiToken(Secrets.hash(inviteToken), old.id(), TokenKind.INVITE, clock.instant(),
                    clock.instant().plus(Duration.ofDays(1)), null));
        }
        try (ControlPlane cp = start(kind)) {
            Http http = new Http(cp.baseUrl());
            String member = login(http, inviteToken);
            assertThat(http.get("/v1/whoami", member).json().get("orgs").get(0).get("defaultLogin").isNull())
                    .as("no default login to fall back on").isTrue();
            for (List<String> asked : java.util.Arrays.asList(null, List.of("root"))) {
                Http.Reply refused = http.post("/v1/orgs/acme/certificates", member,
                        new IssueRequest(null, publicKey(), asked, 1));
                assertThat(refused.status()).as(asked + ": " + refused.text()).isEqualTo(403);
                assertThat(error(refused)).contains("no access grant in org 'acme'",
                        "postern access grant --org acme --app APP --email root@example.com");
            }
            Http.Reply byAdmin = http.post("/v1/orgs/acme/certificates", boss,
                    new IssueRequest("root@example.com", publicKey(), List.of("root"), 1));
            assertThat(byAdmin.status()).as("an admin issuing for the member: same rule").isEqualTo(403);
            assertThat(http.get("/v1/orgs/acme/certificates", boss).json()).as("nothing issued").isEmpty();

            Http.Reply set = http.patch("/v1/orgs/acme/members/root@example.com", boss, new SetMemberRequest("ops1"));
            assertThat(set.status()).as(set.text()).isEqualTo(200);
            assertThat(set.json().get("login").asText()).isEqualTo("ops1");
            grantOwn(http, boss, "root@example.com", "ops1");
            Http.Reply own = http.post("/v1/orgs/acme/certificates", member, new IssueRequest(null, publicKey(), null, 1));
            assertThat(own.status()).as(own.text()).isEqualTo(201);
            assertThat(principals(own.json().get("certificate").asText())).containsExactly("ops1");
            long serial = own.json().get("log").get("serial").asLong();

            Http.Reply renamed = http.patch("/v1/orgs/acme/members/root@example.com", boss, new SetMemberRequest("ops2"));
            assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
            assertThat(http.get("/v1/orgs/acme/revocations", boss).json().findValuesAsText("serial"))
                    .as("a certificate for the old login must not outlive it").contains(Long.toString(serial));
            assertThat(http.get("/v1/audit?org=acme", boss).json().findValuesAsText("action")).contains("member.login");
        }
    }
}
