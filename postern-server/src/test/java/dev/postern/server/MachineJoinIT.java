package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineJoinIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();

    private String hostKey(String name) throws Exception {
        Path key = dir.resolve(name);
        ProcessResult r = Processes.run(Duration.ofSeconds(20),
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Files.readString(Path.of(key + ".pub")).trim();
    }

    @Test
    void machineJoinsWithAppScopedTokenOnlyAsOftenAsAllowed() throws Exception {
        try (ControlPlane cp = ControlPlane.start(ControlPlaneConfig.local(dir.resolve("data"), clock))) {
            Http http = new Http(cp.baseUrl());
            String s = http.post("/v1/auth/login", cp.bootstrapToken().orElseThrow(), null).json().get("token").asText();
            http.post("/v1/orgs", s, new CreateOrgRequest("acme"));
            http.post("/v1/orgs/acme/apps", s, new CreateAppRequest("web"));
            http.post("/v1/orgs/acme/ca", s, new EstablishRequest(false));
            assertThat(http.post("/v1/orgs/acme/apps/nope/join-tokens", s, new CreateJoinTokenRequest(1, 3600))
                    .status()).isEqualTo(404);
            assertThat(http.post("/v1/orgs/acme/apps/web/join-tokens", s, new CreateJoinTokenRequest(0, 3600))
                    .json().get("error").asText()).contains("uses 0", "1 to 1000");
            JsonNode token = http.post("/v1/orgs/acme/apps/web/join-tokens", s, new CreateJoinTokenRequest(1, 3600))
                    .json();
            String join = token.get("token").asText();
            assertThat(join).startsWith("pjt_");

            Http.Reply badKey = http.post("/v1/join", join, new JoinRequest("ssh-ed25519 AAAAnotakey", "local"));
            assertThat(badKey.status()).as(badKey.text()).isEqualTo(400);
            Http.Reply joined = http.post("/v1/join", join, new JoinRequest(hostKey("m1"), "local"));
            assertThat(joined.status()).as(joined.text()).isEqualTo(201);
            JsonNode j = joined.json();
            String id = j.get("machineId").asText();
            assertThat(j.get("name").asText()).isEqualTo(id + ".vm.web.internal");
            assertThat(j.get("address").asText()).startsWith("fd");
            assertThat(j.get("gateway").asText()).as("the gateway to dial").isEqualTo(cp.gatewayAddress().orElseThrow());
            assertThat(j.get("gatewayHostKey").asText()).startsWith("ssh-ed25519 ");
            Path cert = dir.resolve("m1-cert.pub");
            Files.writeString(cert, j.get("hostCertificate").asText() + "\n");
            ProcessResult l = Processes.run(Duration.ofSeconds(20), List.of("ssh-keygen", "-L", "-f", cert.toString()));
            assertThat(l.stdout()).as(l.toString()).contains("host certificate", id + ".vm.web.internal",
                    "web.internal", j.get("address").asText());
            assertThat(j.get("userCaPublicKeys").get(0).asText())
                    .isEqualTo(http.get("/v1/orgs/acme/ca", null).json().get("userCaPublicKey").asText());

            Http.Reply again = http.post("/v1/join", join, new JoinRequest(hostKey("m2"), "local"));
            assertThat(again.status()).isEqualTo(401);
            assertThat(again.json().get("error").asText()).contains("used up", "postern tokens create machine");

            JsonNode second = http.post("/v1/orgs/acme/apps/web/join-tokens", s, new CreateJoinTokenRequest(5, 60)).json();
            clock.advance(Duration.ofSeconds(61));
            assertThat(http.post("/v1/join", second.get("token").asText(), new JoinRequest(hostKey("m3"), "local"))
                    .status()).as("expired").isEqualTo(401);

            JsonNode machines = http.get("/v1/orgs/acme/apps/web/machines", s).json();
            assertThat(machines).hasSize(1);
            assertThat(machines.get(0).get("id").asText()).isEqualTo(id);
            assertThat(machines.get(0).get("state").asText()).isEqualTo("offline");
        }
    }
}
