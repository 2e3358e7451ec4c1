package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postern.common.Json;
import dev.postern.common.api.JoinResponse;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Did you mean" for names the server knows (apps, orgs, machine ids), and what {@code auth whoami --json} says about
 * where the answer came from, against an in-process control plane.
 */
class DidYouMeanIT {
    @TempDir
    Path tmp;
    private final MutableClock clock = MutableClock.atWallTime();
    private ControlPlane plane;
    private CliRunner admin;

    @BeforeEach
    void start() {
        plane = Plane.start(tmp.resolve("data"), clock);
        admin = new CliRunner(tmp.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "apps", "create", "web");
        ok(admin, "apps", "create", "billing");
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void aMistypedAppOrOrgNamesTheClosestOnes() {
        CliRunner.Result app = admin.run("machines", "list", "--app", "wbe");
        assertThat(app.exit()).as(app.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(app.err()).contains("app 'wbe' not found").endsWith("; did you mean 'web'?\n");

        CliRunner.Result far = admin.run("machines", "list", "--app", "zzzzzz");
        assertThat(far.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(far.err()).as("nothing close: no suggestion").doesNotContain("did you mean");

        CliRunner.Result org = admin.run("machines", "list", "--app", "web", "--org", "acm");
        assertThat(org.exit()).as(org.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(org.err()).contains("did you mean 'acme'?");

        ok(admin, "ssh", "establish");
        CliRunner.Result console = admin.run("ssh", "console", "--app", "billng", "-C", "true");
        assertThat(console.err()).as("every command that lists an app's machines").contains("did you mean 'billing'?");
    }

    @Test
    void aMistypedMachineIdNamesTheClosestOne() {
        ok(admin, "ssh", "establish");
        String token = MachinesIT.token(ok(admin, "tokens", "create", "machine", "--app", "web"));
        JoinResponse joined = Joins.join(plane, token, "fra");
        String id = joined.machineId();
        String typo = id.substring(0, id.length() - 1) + (id.endsWith("a") ? "b" : "a");

        CliRunner.Result r = admin.run("machines", "remove", typo);
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("postern: no machine '" + typo + "' in any app of org 'acme'; see 'postern"
                + " machines list --app APP'; did you mean '" + id + "'?\n");
        // worded as for an app: what is not there; what to see; the names meant, last (before: "...?; see ...")
        CliRunner.Result console = admin.run("ssh", "console", "--app", "web", "--machine", typo, "-C", "true");
        assertThat(console.exit()).as(console.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(console.err()).isEqualTo("postern: no machine '" + typo + "' in app 'web'; see 'postern machines"
                + " list --app web'; did you mean '" + id + "'?\n");
    }

    @Test
    void whoamiJsonNamesTheServerAndTheContext() throws Exception {
        String json = ok(admin, "auth", "whoami", "--json");
        assertThat(json).as("never the session token").doesNotContain("pst_");
        JsonNode me = Json.mapper().readTree(json);
        assertThat(me.get("email").asText()).contains("@");
        assertThat(me.get("server").asText()).isEqualTo(plane.baseUrl());
        assertThat(me.get("context").asText()).isNotBlank();
        assertThat(me.get("orgs").get(0).get("org").asText()).isEqualTo("acme");
        ok(admin, "orgs", "use", "acme");
        assertThat(Json.mapper().readTree(ok(admin, "auth", "whoami", "--json")).get("defaultOrg").asText())
                .isEqualTo("acme");
    }
}
