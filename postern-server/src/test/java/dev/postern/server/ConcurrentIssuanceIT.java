package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issuing through the HTTP API with many clients at once (group-committed log): every answer carries a distinct
 * serial that is in the log; and the one-query caller lookup sees a member removal and a logout at once.
 */
class ConcurrentIssuanceIT {
    @TempDir
    Path dir;

    private ControlPlane start() {
        return ControlPlane.start(new ControlPlaneConfig(dir.resolve("data"), null, "127.0.0.1", 0,
                MutableClock.atWallTime(), null, "boss@example.com"));
    }

    private String publicKey() throws Exception {
        Path key = dir.resolve("k" + System.nanoTime());
        ProcessResult r = Processes.run(Duration.ofSeconds(20),
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Files.readString(Path.of(key + ".pub")).trim();
    }

    private static String login(Http http, String oneTime) {
        Http.Reply r = http.post("/v1/auth/login", oneTime, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    @Test
    void concurrentIssuesGetDistinctSerialsThatAreAllInTheLog() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ControlPlane cp = start()) {
            Http http = new Http(cp.baseUrl());
            String boss = login(http, cp.bootstrapToken().orElseThrow());
            http.post("/v1/orgs", boss, new CreateOrgRequest("acme"));
            http.post("/v1/orgs/acme/ca", boss, new EstablishRequest(false));
            IssueRequest request = new IssueRequest(null, publicKey(), List.of("root"), 1);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        Http.Reply r = http.post("/v1/orgs/acme/certificates", boss, request);
                        assertThat(r.status()).as(r.text()).isEqualTo(201);
                        mine.add(r.json().get("log").get("serial").asLong());
                    }
                    return mine;
                }));
            }
            List<Long> answered = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                answered.addAll(f.get(120, TimeUnit.SECONDS));
            }

            assertThat(new HashSet<>(answered)).hasSize(200);
            Set<Long> logged = new HashSet<>();
            for (JsonNode c : http.get("/v1/orgs/acme/certificates", boss).json()) {
                logged.add(c.get("serial").asLong());
            }
            assertThat(logged).containsAll(answered);
            assertThat(http.get("/metrics", null).text()).contains("postern_certificates_log_batch_count");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRemovedMemberOrALoggedOutTokenIsRefusedOnTheVeryNextIssue() throws Exception {
        try (ControlPlane cp = start()) {
            Http http = new Http(cp.baseUrl());
            String boss = login(http, cp.bootstrapToken().orElseThrow());
            http.post("/v1/orgs", boss, new CreateOrgRequest("acme"));
            http.post("/v1/orgs/acme/ca", boss, new EstablishRequest(false));
            Http.Reply added = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest("jane@example.com", "member"));
            String jane = login(http, added.json().get("inviteToken").asText());
            assertThat(http.post("/v1/orgs/acme/apps", boss, new dev.postern.common.api.CreateAppRequest("web"))
                    .status()).isEqualTo(201);
            assertThat(http.post("/v1/orgs/acme/apps/web/access", boss, new dev.postern.common.api.GrantAccessRequest(
                    "jane@example.com", List.of("jane"))).status()).isEqualTo(200);
            IssueRequest own = new IssueRequest(null, publicKey(), null, 1);
            assertThat(http.post("/v1/orgs/acme/certificates", jane, own).status()).isEqualTo(201);

            assertThat(http.delete("/v1/orgs/acme/members/jane@example.com", boss).status()).isEqualTo(200);
            Http.Reply removed = http.post("/v1/orgs/acme/certificates", jane, own);
            // acme was jane's only org: removing her ended her session too
            assertThat(removed.status()).as(removed.text()).isEqualTo(401);

            assertThat(http.post("/v1/orgs/acme/certificates", boss, own).status()).isEqualTo(201);
            assertThat(http.post("/v1/auth/logout", boss, null).status()).isBetween(200, 204);
            Http.Reply loggedOut = http.post("/v1/orgs/acme/certificates", boss, own);
            assertThat(loggedOut.status()).as(loggedOut.text()).isEqualTo(401);
            assertThat(http.post("/v1/orgs/nope/certificates", "not-a-token", own).status()).isEqualTo(401);
        }
    }
}
