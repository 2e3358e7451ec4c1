package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.client.ConfigFile;
import dev.postern.common.Json;
import dev.postern.common.api.AuditView;
import dev.postern.common.api.CertificateView;
import dev.postern.common.api.MemberView;
import dev.postern.common.api.WhoAmI;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login, invites, roles, tokens, revocation by e-mail and the audit log, through the CLI. */
class PeopleIT {
    @TempDir
    Path tmp;
    MutableClock clock = MutableClock.atWallTime();
    ControlPlane plane;
    CliRunner admin;

    @BeforeEach
    void start() {
        plane = Plane.start(tmp.resolve("data"), clock);
        admin = new CliRunner(tmp.resolve("admin"), clock);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void loginSavesAPrivateSessionAndWhoamiShowsIt() throws Exception {
        String out = ok(admin, "auth", "login", "--server", plane.baseUrl() + "/", "--token",
                plane.bootstrapToken().orElseThrow());
        assertThat(out).contains("Logged in to " + plane.baseUrl() + " as admin@localhost");
        Path config = admin.posternHome().resolve("config.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(admin.posternHome())))
                .isEqualTo("rwx------");
        assertThat(Files.readString(config)).doesNotContain(plane.bootstrapToken().orElseThrow());

        ok(admin, "orgs", "create", "acme");
        WhoAmI me = Json.mapper().readValue(ok(admin, "auth", "whoami", "--json"), WhoAmI.class);
        assertThat(me.email()).isEqualTo("admin@localhost");
        assertThat(me.orgs()).extracting(o -> o.org() + ":" + o.role()).containsExactly("acme:owner");
        assertThat(ok(admin, "auth", "whoami")).contains("admin@localhost on " + plane.baseUrl()).contains("acme (owner)");

        CliRunner.Result reused = admin.run("auth", "login", "--server", plane.baseUrl(), "--token",
                plane.bootstrapToken().orElseThrow());
        assertThat(reused.exit()).isEqualTo(ExitCodes.AUTH);
        assertThat(reused.err()).contains("did not accept that token");

        ok(admin, "auth", "logout");
        assertThat(config).doesNotExist();
        assertThat(admin.run("orgs", "list").exit()).isEqualTo(ExitCodes.AUTH);
    }

    @Test
    void wrongOrExpiredTokensExit3AndChangeNothing() {
        CliRunner.Result wrong = admin.run("auth", "login", "--server", plane.baseUrl(), "--token", "pst_wrong");
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(wrong.err()).startsWith("postern: " + plane.baseUrl() + " did not accept that token");
        assertThat(new ConfigFile(admin.posternHome()).load()).isEmpty();

        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "ssh", "establish", "acme");
        clock.advance(Duration.ofDays(400));
        CliRunner.Result expired = admin.run("ssh", "issue", "acme", tmp.resolve("k").toString());
        assertThat(expired.exit()).as(expired.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(expired.err()).contains("expired").contains("postern auth login");
        assertThat(tmp.resolve("k")).doesNotExist();
    }

    @Test
    void inviteLineLogsTheMemberInAndRolesLimitWhatTheyGet() throws Exception {
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "ssh", "establish", "acme");
        String added = ok(admin, "members", "add", "--org", "acme", "--email", "bob@example.com", "--role", "member");
        String line = added.lines().filter(l -> l.contains("postern auth login")).findFirst().orElseThrow().trim();
        assertThat(line).startsWith("postern auth login --server " + plane.baseUrl() + " --token pst_");

        CliRunner bob = new CliRunner(tmp.resolve("bob"), clock);
        String[] words = line.split("\\s+");
        ok(bob, Arrays.copyOfRange(words, 1, words.length));
        assertThat(ok(bob, "auth", "whoami")).contains("bob@example.com").contains("acme (member)");
        ok(admin, "apps", "create", "web", "--org", "acme");
        ok(admin, "access", "grant", "--org", "acme", "--app", "web", "--email", "bob@example.com", "--logins", "bob");

        CliRunner.Result forAdmin = bob.run("ssh", "issue", "acme", "admin@localhost", tmp.resolve("x").toString());
        assertThat(forAdmin.exit()).as(forAdmin.toString()).isEqualTo(ExitCodes.AUTH);
        CliRunner.Result root = bob.run("ssh", "issue", tmp.resolve("x").toString(), "-u", "root");
        assertThat(root.exit()).isEqualTo(ExitCodes.AUTH);
        assertThat(root.err()).contains("root");
        assertThat(tmp.resolve("x")).doesNotExist();
        CliRunner.Result addMember = bob.run("members", "add", "--email", "eve@example.com");
        assertThat(addMember.exit()).isEqualTo(ExitCodes.AUTH);

        ok(bob, "ssh", "issue", tmp.resolve("bob-key").toString());
        List<CertificateView> bobs = Plane.log(bob, "acme");
        assertThat(bobs).singleElement().satisfies(c -> assertThat(c.principals()).containsExactly("bob"));

        ok(admin, "ssh", "issue", "acme", "bob@example.com", tmp.resolve("bob-by-admin").toString());
        assertThat(Plane.log(admin, "acme")).hasSize(2);

        assertThat(ok(admin, "ssh", "revoke", "acme", "--email", "bob@example.com")).contains("Revoked in acme");
        assertThat(Plane.log(admin, "acme")).allSatisfy(c -> assertThat(c.revoked()).isTrue());
        assertThat(ok(admin, "ssh", "log", "acme")).contains("by admin@localhost");

        List<MemberView> members = Json.mapper().readValue(ok(admin, "members", "list", "--org", "acme", "--json"),
                new TypeReference<List<MemberView>>() { });
        assertThat(members).extracting(MemberView::email).containsExactlyInAnyOrder("admin@localhost", "bob@example.com");
        ok(admin, "members", "remove", "--org", "acme", "--email", "bob@example.com");
        CliRunner.Result gone = bob.run("ssh", "log", "acme");
        // acme was bob's last org: the removal ended his API session too (401, not just 404 for the org)
        assertThat(gone.exit()).as(gone.toString()).isEqualTo(ExitCodes.AUTH);

        List<AuditView> audit = Json.mapper().readValue(ok(admin, "audit", "log", "--org", "acme", "--json"),
                new TypeReference<List<AuditView>>() { });
        assertThat(audit).isNotEmpty();
        assertThat(audit).extracting(AuditView::actor).contains("admin@localhost", "bob@example.com");
        assertThat(ok(admin, "audit", "log", "--org", "acme", "--limit", "1").lines()).hasSize(2);
    }

    @Test
    void appsAreCreatedAndListed() throws Exception {
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "apps", "create", "web", "--org", "acme");
        assertThat(ok(admin, "apps", "list")).contains("web");
        assertThat(ok(admin, "apps", "list", "--org", "acme", "--json")).contains("\"name\" : \"web\"");
        CliRunner.Result dup = admin.run("apps", "create", "web", "--org", "acme");
        assertThat(dup.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(dup.err()).contains("already exists");
        assertThat(ok(admin, "orgs", "list", "--json")).contains("\"name\" : \"acme\"");
    }
}
