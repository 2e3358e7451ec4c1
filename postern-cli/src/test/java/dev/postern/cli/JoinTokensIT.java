package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.common.Json;
import dev.postern.common.api.JoinRequest;
import dev.postern.common.api.JoinTokenSummary;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Join tokens after creation: listed without their secret, revoked by id, and refused at {@code /v1/join} with
 * the reason (revoked, expired, used up) and the command that makes a new one. The attacker holds a leaked
 * token, or is a member without rights over tokens.
 */
class JoinTokensIT {
    private static final Pattern TOKEN = Pattern.compile("(pjt_[A-Za-z0-9_-]+)");
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
    void revokedTokenIsRefusedAtJoinSayingSoAndListingsNeverShowTheSecret() throws Exception {
        String token = create("--uses", "3");
        String text = ok(admin, "tokens", "list", "--app", "web");
        String json = ok(admin, "tokens", "list", "--app", "web", "--json");
        for (String out : List.of(text, json)) {
            assertThat(out).doesNotContain(token).doesNotContain(sha256(token)).doesNotContain("pjt_");
        }
        // the API answer itself, not only what the CLI keeps of it
        String session = new dev.postern.cli.client.ConfigFile(admin.posternHome()).load().orElseThrow().token();
        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(plane.baseUrl()
                + "/v1/orgs/acme/apps/web/join-tokens")).header("Authorization", "Bearer " + session).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).doesNotContain(token).doesNotContain(sha256(token)).doesNotContain("hash");
        List<JoinTokenSummary> listed = summaries(json);
        assertThat(listed).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo("active");
            assertThat(t.usesLeft()).isEqualTo(3);
            assertThat(t.createdBy()).isEqualTo("admin@localhost");
        });
        assertThat(text).contains("ID").contains("USES LEFT").contains("active").contains("admin@localhost");
        long id = listed.get(0).id();

        assertThat(join(token).statusCode()).as("usable before the revocation").isEqualTo(201);
        assertThat(ok(admin, "tokens", "revoke", String.valueOf(id))).contains("Revoked join token " + id);

        HttpResponse<String> refused = join(token);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("revoked").contains("postern tokens create machine --app web")
                .doesNotContain("expired").doesNotContain(token);
        assertThat(summaries(ok(admin, "tokens", "list", "--app", "web", "--json")))
                .singleElement().satisfies(t -> {
                    assertThat(t.state()).isEqualTo("revoked");
                    assertThat(t.usesLeft()).as("the refused join used nothing").isEqualTo(2);
                });
        CliRunner.Result again = admin.run("tokens", "revoke", String.valueOf(id));
        assertThat(again.exit()).as(again.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("already revoked");
        assertThat(ok(admin, "audit", "log", "--org", "acme")).contains("join-token.revoke").doesNotContain(token);
    }

    @Test
    void expiredAndUsedUpTokensAreRefusedEachWithItsReason() throws Exception {
        String expiring = create("--uses", "5", "--ttl", "1h");
        String once = create("--uses", "1", "--ttl", "7d");
        assertThat(join(once).statusCode()).isEqualTo(201);
        HttpResponse<String> usedUp = join(once);
        assertThat(usedUp.statusCode()).isEqualTo(401);
        assertThat(usedUp.body()).contains("used up").contains("postern tokens create machine --app web")
                .doesNotContain("revoked").doesNotContain("expired");

        clock.advance(Duration.ofHours(2));
        HttpResponse<String> expired = join(expiring);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("expired").contains("postern tokens create machine --app web")
                .doesNotContain("revoked").doesNotContain("used up");
        assertThat(summaries(ok(admin, "tokens", "list", "--app", "web", "--json")))
                .extracting(JoinTokenSummary::state).containsExactly("used up", "expired");
        assertThat(ok(admin, "machines", "list", "--app", "web", "--json")).contains("\"id\"");
    }

    @Test
    void onlyOwnersAndAdminsOfTheTokensOrgListOrRevokeThem() throws Exception {
        create("--uses", "2");
        long id = summaries(ok(admin, "tokens", "list", "--app", "web", "--json")).get(0).id();
        CliRunner bob = invited("bob@example.com", "acme");
        CliRunner.Result list = bob.run("tokens", "list", "--app", "web", "--org", "acme");
        assertThat(list.exit()).as(list.toString()).isEqualTo(ExitCodes.AUTH);
        CliRunner.Result revoke = bob.run("tokens", "revoke", String.valueOf(id));
        assertThat(revoke.exit()).as(revoke.toString()).isEqualTo(ExitCodes.AUTH);

        // the owner of another org cannot even learn that the id exists
        ok(admin, "orgs", "create", "lobby");
        CliRunner eve = invited("eve@example.com", "lobby");
        ok(eve, "orgs", "create", "evil");
        CliRunner.Result probe = eve.run("tokens", "revoke", String.valueOf(id));
        assertThat(probe.exit()).as(probe.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(probe.err()).contains("not found");
        CliRunner.Result unknown = eve.run("tokens", "revoke", "999999");
        assertThat(unknown.err()).isEqualTo(probe.err().replace(String.valueOf(id), "999999"));
        assertThat(summaries(ok(admin, "tokens", "list", "--app", "web", "--json")))
                .singleElement().extracting(JoinTokenSummary::state).isEqualTo("active");
    }

    @Test
    void createPrintsTheNewTokensIdAndThatIdRevokesIt() throws Exception {
        create(); // an older token, so the new one's id is not the only one listed
        String text = ok(admin, "tokens", "create", "machine", "--app", "web");
        String json = ok(admin, "tokens", "create", "machine", "--app", "web", "--json");
        List<JoinTokenSummary> listed = summaries(ok(admin, "tokens", "list", "--app", "web", "--json"));
        assertThat(listed).hasSize(3);
        long jsonId = Json.mapper().readTree(json).get("id").asLong();
        String jsonToken = Json.mapper().readTree(json).get("token").asText();
        assertThat(jsonId).isEqualTo(listed.get(0).id());
        assertThat(Json.mapper().readTree(json).get("agentCommand").asText()).contains(jsonToken)
                .contains("postern agent --server");
        long textId = listed.get(1).id();
        assertThat(text).contains("Join token " + textId + " for app web in org acme")
                .contains("postern tokens revoke " + textId);
        ok(admin, "tokens", "revoke", String.valueOf(textId));
        assertThat(join(TOKEN.matcher(text).results().findFirst().orElseThrow().group(1)).statusCode())
                .isEqualTo(401);
        assertThat(join(jsonToken).statusCode()).isEqualTo(201);
        assertThat(summaries(ok(admin, "tokens", "list", "--app", "web", "--json"))).extracting(JoinTokenSummary::state)
                .containsExactly("used up", "revoked", "active");
    }

    private CliRunner invited(String email, String org) {
        String added = ok(admin, "members", "add", "--org", org, "--email", email);
        return loginWith(email, added);
    }

    private CliRunner loginWith(String email, String added) {
        CliRunner person = new CliRunner(tmp.resolve(email), clock);
        String line = added.lines().filter(l -> l.contains("postern auth login")).findFirst().orElseThrow().trim();
        String[] words = line.split("\\s+");
        ok(person, java.util.Arrays.copyOfRange(words, 1, words.length));
        return person;
    }

    private String create(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("tokens", "create", "machine", "--app", "web"));
        args.addAll(List.of(options));
        Matcher m = TOKEN.matcher(ok(admin, args.toArray(String[]::new)));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static List<JoinTokenSummary> summaries(String json) throws Exception {
        return Json.mapper().readValue(json, new TypeReference<List<JoinTokenSummary>>() { });
    }

    private HttpResponse<String> join(String token) throws Exception {
        byte[] body = Json.mapper().writeValueAsBytes(new JoinRequest(
                PublicKeyEntry.toString(Joins.newHostKey().getPublic()), "local"));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(plane.baseUrl() + "/v1/join"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
