package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static dev.postern.cli.Plane.fetch;
import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.Json;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern ssh establish --override} reaches a running agent (a real child process in tunnel mode) and the
 * gateway without a restart: a certificate of the new user CA logs in, one of the old CA, which an attacker may
 * hold (the usual reason to replace a CA), is refused, both straight at the agent and through the gateway, and
 * its session open through the gateway is ended.
 * The bound (10 s) is below the agents' 30 s poll, so it is the push through the tunnel that delivers the change.
 */
class CaRotationPlaneIT {
    @TempDir
    Path dir;
    private final MachineProcesses machines = new MachineProcesses();
    private ControlPlane plane;
    private CliRunner admin;
    private int gatewayPort;
    private int agentPort;
    private String machineId;
    private Process live;

    @BeforeEach
    void planeWithOneMachine() {
        gatewayPort = MachineProcesses.freePort();
        agentPort = MachineProcesses.freePort();
        plane = ControlPlane.start(new ControlPlaneConfig(dir.resolve("server"), null, "127.0.0.1", 0,
                Clock.systemUTC(), null, "admin@example.com", "127.0.0.1", gatewayPort));
        admin = new CliRunner(dir.resolve("admin"), Clock.systemUTC());
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "demo");
        ok(admin, "apps", "create", "demo", "--org", "demo");
        ok(admin, "ssh", "establish", "demo");
        String token = MachinesIT.token(ok(admin, "tokens", "create", "machine", "--app", "demo", "--org", "demo"));
        // the agent also listens on loopback, so the test can knock on it without the gateway's own checks
        machines.start(plane.baseUrl(), token, dir.resolve("m1"), "--listen", "127.0.0.1:" + agentPort);
        machineId = MachineProcesses.machineId(dir.resolve("m1"));
        awaitTrue(Duration.ofSeconds(30), () -> machineOnline(), "machine online");
    }

    @AfterEach
    void stop() {
        if (live != null) {
            live.destroyForcibly();
        }
        machines.close();
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void aRunningAgentAndTheGatewaySwitchToTheNewUserCaAndRefuseTheOldOne() throws Exception {
        Path oldKey = dir.resolve("id_old");
        ok(admin, "ssh", "issue", "demo", "admin@example.com", oldKey.toString());
        Path knownHosts = knownHosts(); // the machine keeps its host certificate of the old host CA
        awaitTrue(Duration.ofSeconds(20), () -> direct(oldKey, knownHosts).exitCode() == 0, "old cert at the agent");
        assertThat(jump(oldKey, knownHosts).exitCode()).as("old cert through the gateway").isZero();

        // a session of the old CA that is open through the gateway when the CA is replaced
        live = new ProcessBuilder(jumpCommand(oldKey, knownHosts, "echo up; sleep 300"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("live.out").toFile()).start();
        awaitTrue(Duration.ofSeconds(20), () -> readOrEmpty(dir.resolve("live.out")).contains("up"), "live session");

        ok(admin, "ssh", "establish", "demo", "--override");
        assertThat(live.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("the gateway ends the old CA's session")
                .isTrue();
        assertThat(live.exitValue()).isEqualTo(255);
        String newUserCa = Json.mapper().readTree(fetch(plane, "/v1/orgs/demo/ca")).get("userCaPublicKey").asText();
        Path newKey = dir.resolve("id_new");
        ok(admin, "ssh", "issue", "demo", "admin@example.com", newKey.toString());

        awaitTrue(Duration.ofSeconds(10), () -> direct(newKey, knownHosts).exitCode() == 0,
                "the agent accepts the new CA's certificate");
        awaitTrue(Duration.ofSeconds(10), () -> direct(oldKey, knownHosts).exitCode() == 255,
                "the agent refuses the old CA's certificate");
        ProcessResult old = direct(oldKey, knownHosts);
        assertThat(old.exitCode()).as(old.toString()).isEqualTo(255);
        assertThat(old.stderr()).contains("Permission denied");
        ProcessResult fresh = direct(newKey, knownHosts);
        assertThat(fresh.exitCode()).as(fresh.toString()).isZero();
        assertThat(fresh.stdout()).isEqualTo("ok\n");
        // replaced, not extended: the old CA is not trusted any more
        assertThat(Files.readString(dir.resolve("m1/user_ca.pub")).strip()).isEqualTo(newUserCa.strip());

        assertThat(jump(newKey, knownHosts).exitCode()).as("new cert through the gateway").isZero();
        assertThat(jump(oldKey, knownHosts).exitCode()).as("old cert through the gateway").isEqualTo(255);
    }

    private boolean machineOnline() {
        try {
            String token = new dev.postern.cli.client.ConfigFile(admin.posternHome()).load().orElseThrow().token();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(plane.baseUrl() + "/v1/orgs/demo/apps/demo/machines"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode m : Json.mapper().readTree(r.body())) {
                if (m.get("state").asText().equals("online")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Path knownHosts() throws IOException {
        JsonNode gw = Json.mapper().readTree(fetch(plane, "/v1/gateway"));
        JsonNode ca = Json.mapper().readTree(fetch(plane, "/v1/orgs/demo/ca"));
        return Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + gatewayPort + " "
                + gw.get("hostKey").asText() + "\n@cert-authority *.internal " + ca.get("hostCaPublicKey").asText()
                + "\n");
    }

    /** Straight to the agent's loopback port, checking its host certificate under its machine name. */
    private ProcessResult direct(Path key, Path knownHosts) {
        List<String> cmd = new ArrayList<>(base(key, knownHosts));
        cmd.addAll(List.of("-p", Integer.toString(agentPort), "-o", "HostKeyAlias=" + machineId + ".vm.demo.internal",
                "root@127.0.0.1", "echo", "ok"));
        return Processes.run(Duration.ofSeconds(30), cmd);
    }

    /** Through the gateway, as people connect. */
    private ProcessResult jump(Path key, Path knownHosts) {
        return Processes.run(Duration.ofSeconds(30), jumpCommand(key, knownHosts, "echo ok"));
    }

    /** ProxyJump in a config file, so that the jump to the gateway uses the same options. */
    private List<String> jumpCommand(Path key, Path knownHosts, String command) {
        Path config = dir.resolve(key.getFileName() + ".ssh_config");
        try {
            Files.writeString(config, String.join("\n",
                    "Host postern-gateway", "  HostName 127.0.0.1", "  Port " + gatewayPort, "  User postern",
                    "Host *.internal", "  ProxyJump postern-gateway", "  User root",
                    "Host *", "  IdentityFile " + key, "  CertificateFile " + key + "-cert.pub",
                    "  IdentitiesOnly yes", "  IdentityAgent none", "  BatchMode yes", "  StrictHostKeyChecking yes",
                    "  UserKnownHostsFile " + knownHosts, "  ConnectTimeout 10", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("ssh", "-F", config.toString(), machineId + ".vm.demo.internal", command);
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> base(Path key, Path knownHosts) {
        return List.of("ssh", "-F", "none", "-i", key.toString(), "-o", "CertificateFile=" + key + "-cert.pub",
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts, "-o", "ConnectTimeout=10");
    }
}
