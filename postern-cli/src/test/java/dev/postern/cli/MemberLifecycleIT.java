package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.api.CertificateView;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code members invite} (a new login for an existing member, certificates untouched, never a way to act as
 * someone in orgs the admin does not run) and {@code members remove} in one step (API session and pending login
 * tokens gone, leftover join tokens listed for rotation).
 */
class MemberLifecycleIT {
    private static final Pattern JOIN_TOKEN = Pattern.compile("(pjt_[A-Za-z0-9_-]+)");
    @TempDir
    Path tmp;
    MutableClock clock = MutableClock.atWallTime();
    ControlPlane plane;
    CliRunner admin;

    @BeforeEach
    void start() {
        plane = Plane.start(tmp.resolve("data"), clock);
        admin = new CliRunner(tmp.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "ssh", "establish", "acme");
        ok(admin, "apps", "create", "web", "--org", "acme");
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void inviteLogsAnExistingMemberInAgainWithTheirCertificatesUntouched() {
        CliRunner bob = added("bob@example.com", "member");
        ok(admin, "access", "grant", "--org", "acme", "--app", "web", "--email", "bob@example.com", "--logins", "bob");
        ok(bob, "ssh", "issue", tmp.resolve("bob-key").toString());
        List<CertificateView> before = Plane.log(admin, "acme");
        ok(bob, "auth", "logout");
        assertThat(bob.run("orgs", "list").exit()).isEqualTo(ExitCodes.AUTH);

        String out = ok(admin, "members", "invite", "--org", "acme", "--email", "bob@example.com");
        login(bob, out);
        assertThat(ok(bob, "auth", "whoami")).contains("bob@example.com").contains("acme (member)");
        assertThat(Plane.log(admin, "acme")).as("no certificate issued or revoked").isEqualTo(before);
        assertThat(before).singleElement().satisfies(c -> assertThat(c.revoked()).isFalse());
        assertThat(ok(admin, "audit", "log", "--org", "acme")).contains("member.invite");

        CliRunner.Result reused = new CliRunner(tmp.resolve("thief"), clock).run(loginWords(out));
        assertThat(reused.exit()).as("the invite works once").isEqualTo(ExitCodes.AUTH);
    }

    @Test
    void inviteIsRefusedWhenThePersonBelongsToAnOrgTheCallerDoesNotRun() {
        CliRunner carol = added("carol@example.com", "member");
        ok(carol, "orgs", "create", "side");
        CliRunner bob = added("bob@example.com", "member");
        ok(carol, "members", "add", "--org", "side", "--email", "bob@example.com", "--role", "admin");
        // a token for bob would be bob's whole account, side included, where the acme admin has no say
        CliRunner.Result refused = admin.run("members", "invite", "--org", "acme", "--email", "bob@example.com");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(refused.out()).doesNotContain("pst_");
        assertThat(refused.err()).contains("act as them").doesNotContain("side");
        CliRunner.Result notMine = carol.run("members", "invite", "--org", "side", "--email", "admin@localhost");
        assertThat(notMine.exit()).as(notMine.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(ok(bob, "orgs", "list")).contains("side");

        // an admin may not become an owner, nor the server admin, by logging in as them
        CliRunner dave = added("dave@example.com", "admin");
        added("olga@example.com", "owner");
        CliRunner.Result owner = dave.run("members", "invite", "--org", "acme", "--email", "olga@example.com");
        assertThat(owner.exit()).as(owner.toString()).isEqualTo(ExitCodes.AUTH);
        CliRunner.Result serverAdmin = dave.run("members", "invite", "--org", "acme", "--email", "admin@localhost");
        assertThat(serverAdmin.exit()).as(serverAdmin.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(serverAdmin.err()).contains("server admin-token");
        assertThat(ok(admin, "audit", "log", "--org", "acme")).doesNotContain("member.invite");
    }

    @Test
    void removeEndsTheApiSessionAndPendingLoginsAndRevokesTheJoinTokensTheyMade() {
        CliRunner bob = added("bob@example.com", "admin");
        ok(bob, "ssh", "issue", tmp.resolve("bob-key").toString());
        String live = joinToken(bob, "--uses", "3");
        String usedUp = joinToken(bob, "--uses", "1");
        assertThat(Joins.status(plane, usedUp, "local")).isEqualTo(201);
        String revoked = joinToken(bob, "--uses", "2");
        List<String> ids = ok(admin, "tokens", "list", "--app", "web").lines().skip(1)
                .map(l -> l.trim().split("\\s+")[0]).toList();
        assertThat(ids).hasSize(3); // newest first: revoked, usedUp, live
        ok(bob, "tokens", "revoke", ids.get(0));
        // a pending login token for bob, as a stolen invite e-mail would hold
        String pending = ok(admin, "members", "invite", "--org", "acme", "--email", "bob@example.com");

        String out = ok(admin, "members", "remove", "--org", "acme", "--email", "bob@example.com");
        assertThat(out).contains("certificates revoked: 1").contains("API sessions ended: 1")
                .contains("pending login tokens deleted: 1");
        // only the token that could still admit machines was left to revoke, and the removal revoked it
        assertThat(out).contains("join tokens they created, revoked: 1").contains("id " + ids.get(2))
                .doesNotContain("id " + ids.get(1) + " ").doesNotContain("id " + ids.get(0) + " ");
        assertThat(out).contains("had 3 use(s) left").doesNotContain("tokens revoke");
        assertThat(Joins.status(plane, live, "local")).as("a removed admin's join token").isEqualTo(401);
        // it must not send the admin to revoke what it already revoked
        assertThat(out).doesNotContain("ssh revoke").doesNotContain("Revoke their certificates");
        assertThat(out).doesNotContain(live).doesNotContain(revoked).doesNotContain("pjt_");

        CliRunner.Result api = bob.run("ssh", "log", "acme");
        assertThat(api.exit()).as(api.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(bob.run("orgs", "list").exit()).isEqualTo(ExitCodes.AUTH);
        CliRunner.Result stolen = new CliRunner(tmp.resolve("thief"), clock).run(loginWords(pending));
        assertThat(stolen.exit()).as(stolen.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(Plane.log(admin, "acme")).allSatisfy(c -> assertThat(c.revoked()).isTrue());
        assertThat(ok(admin, "audit", "log", "--org", "acme")).contains("1 session(s) ended");
    }

    @Test
    void removeFromOneOrgKeepsTheLoginForTheOthersButNotForThatOrg() {
        CliRunner bob = added("bob@example.com", "member");
        ok(admin, "orgs", "create", "side");
        ok(admin, "members", "add", "--org", "side", "--email", "bob@example.com");
        String out = ok(admin, "members", "remove", "--org", "acme", "--email", "bob@example.com");
        assertThat(out).contains("kept for their other orgs");
        CliRunner.Result acme = bob.run("ssh", "log", "acme");
        assertThat(acme.exit()).as(acme.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(acme.err()).contains("not found");
        assertThat(ok(bob, "orgs", "list")).contains("side").doesNotContain("acme");
    }

    private CliRunner added(String email, String role) {
        String out = ok(admin, "members", "add", "--org", "acme", "--email", email, "--role", role);
        CliRunner person = new CliRunner(tmp.resolve(email), clock);
        login(person, out);
        return person;
    }

    private static void login(CliRunner person, String printed) {
        ok(person, loginWords(printed));
    }

    private static String[] loginWords(String printed) {
        String line = printed.lines().filter(l -> l.contains("postern auth login")).findFirst().orElseThrow().trim();
        String[] words = line.split("\\s+");
        return Arrays.copyOfRange(words, 1, words.length);
    }

    private static String joinToken(CliRunner who, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("tokens", "create", "machine", "--app", "web",
                "--org", "acme"));
        args.addAll(List.of(options));
        Matcher m = JOIN_TOKEN.matcher(ok(who, args.toArray(String[]::new)));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
