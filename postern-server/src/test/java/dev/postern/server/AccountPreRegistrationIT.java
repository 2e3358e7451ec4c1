package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.EstablishRequest;
import dev.postern.common.api.IssueRequest;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Account pre-registration: people are global and nothing checks that whoever redeems an invite owns the
 * e-mail. Any logged-in person may create an org and add an address Postern has never seen, which hands them
 * the one-time login token of that person. When a real org later adds the same address, the server says
 * "existing login" and issues no invite, so the attacker's session for that person gains the new membership:
 * certificates for the victim's login in the victim's org.
 */
@Disabled("known hole, fix too large for this pass: a session must reach only the orgs whose own invite it"
        + " redeemed (or created), or adding a person must need their consent through that org's invite; see the"
        + " report of wt-attack-api")
class AccountPreRegistrationIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private ControlPlane cp;
    private Http http;

    @BeforeEach
    void start() {
        cp = ControlPlane.start(ControlPlaneConfig.local(dir.resolve("data"), clock));
        http = new Http(cp.baseUrl());
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

    @Test
    void aSessionFromAnotherOrgsInviteNeverReachesAnOrgThatAddsTheSameAddressLater() throws Exception {
        String boss = login(cp.bootstrapToken().orElseThrow());
        assertThat(http.post("/v1/orgs", boss, new CreateOrgRequest("acme")).status()).isEqualTo(201);
        assertThat(http.post("/v1/orgs/acme/ca", boss, new EstablishRequest(false)).status()).isEqualTo(201);
        // mallory is anyone with a session: here a plain member of acme
        String mallory = login(http.post("/v1/orgs/acme/members", boss,
                new AddMemberRequest("mallory@example.com", "member", "mallory")).json().get("inviteToken").asText());

        assertThat(http.post("/v1/orgs", mallory, new CreateOrgRequest("evil")).status()).isEqualTo(201);
        Http.Reply planted = http.post("/v1/orgs/evil/members", mallory,
                new AddMemberRequest("victim@example.com", "member", "victim"));
        assertThat(planted.status()).as(planted.text()).isEqualTo(201);
        String asVictim = login(planted.json().get("inviteToken").asText());

        Http.Reply added = http.post("/v1/orgs/acme/members", boss,
                new AddMemberRequest("victim@example.com", "member", "victim"));
        assertThat(added.status()).as(added.text()).isEqualTo(201);

        Http.Reply stolen = http.post("/v1/orgs/acme/certificates", asVictim, new IssueRequest(null, publicKey(),
                null, 1));
        assertThat(stolen.status()).as("mallory's session for victim@example.com issued in acme: " + stolen.text())
                .isIn(401, 403, 404);
    }

    private String publicKey() throws Exception {
        Path key = dir.resolve("mallory");
        ProcessResult r = Processes.run(Duration.ofSeconds(20),
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Files.readString(Path.of(key + ".pub")).strip();
    }
}
