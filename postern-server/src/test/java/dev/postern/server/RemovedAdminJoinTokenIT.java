package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.CreateAppRequest;
import dev.postern.common.api.CreateJoinTokenRequest;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.EstablishRequest;
import dev.postern.common.api.JoinRequest;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin who is about to be removed mints a machine join token (1000 uses, 30 days) first. Removing them
 * revoked their certificates but not the token, so the former admin kept joining machines of their own to the
 * org's app: hosts the org's members then reach with their certificates, through the org's gateway.
 */
class RemovedAdminJoinTokenIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private ControlPlane cp;
    private Http http;
    private String boss;

    @BeforeEach
    void start() {
        cp = ControlPlane.start(ControlPlaneConfig.local(dir.resolve("data"), clock));
        http = new Http(cp.baseUrl());
        boss = login(cp.bootstrapToken().orElseThrow());
        assertThat(http.post("/v1/orgs", boss, new CreateOrgRequest("acme")).status()).isEqualTo(201);
        assertThat(http.post("/v1/orgs/acme/ca", boss, new EstablishRequest(false)).status()).isEqualTo(201);
        assertThat(http.post("/v1/orgs/acme/apps", boss, new CreateAppRequest("web")).status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    private String login(String oneTime) {
        Http.Reply r = http.post("/v1/auth/login", oneTime, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    private String joinToken(String session) {
        Http.Reply r = http.post("/v1/orgs/acme/apps/web/join-tokens", session, new CreateJoinTokenRequest(1000,
                Duration.ofDays(30).toSeconds()));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    @Test
    void removingAnAdminEndsTheJoinTokensTheyMadeInThatOrg() throws Exception {
        String carol = login(http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("carol@example.com",
                "admin", "carol")).json().get("inviteToken").asText());
        String carols = joinToken(carol);
        String bosss = joinToken(boss);
        assertThat(http.post("/v1/join", carols, new JoinRequest(hostKey("a"), "local")).status()).isEqualTo(201);

        Http.Reply removed = http.delete("/v1/orgs/acme/members/carol@example.com", boss);
        assertThat(removed.status()).as(removed.text()).isEqualTo(200);

        Http.Reply join = http.post("/v1/join", carols, new JoinRequest(hostKey("b"), "local"));
        assertThat(join.status()).as("the removed admin's token still joins: " + join.text()).isEqualTo(401);
        assertThat(http.get("/v1/orgs/acme/apps/web/machines", boss).json()).hasSize(1);
        assertThat(http.post("/v1/join", bosss, new JoinRequest(hostKey("c"), "local")).status())
                .as("other admins' tokens keep working").isEqualTo(201);
        assertThat(http.get("/v1/audit?org=acme", boss).text()).contains("1 join token(s) they created revoked");
    }

    private String hostKey(String name) throws Exception {
        Path key = dir.resolve(name);
        ProcessResult r = Processes.run(Duration.ofSeconds(20),
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Files.readString(Path.of(key + ".pub")).strip();
    }
}
