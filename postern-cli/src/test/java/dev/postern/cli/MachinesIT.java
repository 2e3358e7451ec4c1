package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.common.Json;
import dev.postern.common.api.JoinResponse;
import dev.postern.common.api.MachineView;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Join tokens and machine listings through the CLI against an in-process control plane. */
class MachinesIT {
    private static final Pattern TOKEN = Pattern.compile("^(pjt_\\S+)$", Pattern.MULTILINE);
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
        ok(admin, "apps", "create", "web");
        ok(admin, "ssh", "establish");
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void tokenPrintsTheAgentLineAndAdmitsExactlyItsUses() throws Exception {
        String out = ok(admin, "tokens", "create", "machine", "--app", "web", "--uses", "2", "--ttl", "30m");
        String token = token(out);
        assertThat(out).contains("POSTERN_JOIN_TOKEN=" + token + " postern agent --server " + plane.baseUrl() + " --data ")
                .contains("2 machines");

        JoinResponse first = Joins.join(plane, token, "fra");
        Joins.join(plane, token, "ams");
        assertThat(Joins.status(plane, token, "fra")).isEqualTo(401);

        List<MachineView> machines = Json.mapper().readValue(ok(admin, "machines", "list", "--app", "web", "--json"),
                new TypeReference<List<MachineView>>() { });
        assertThat(machines).extracting(MachineView::region).containsExactlyInAnyOrder("fra", "ams");
        assertThat(machines).allSatisfy(m -> assertThat(m.state()).isEqualTo("offline"));
        assertThat(machines).extracting(MachineView::id).contains(first.machineId());

        String table = ok(admin, "machines", "list", "--app", "web");
        assertThat(table).contains("ID").contains("REGION").contains("LAST SEEN").contains(first.machineId())
                .contains(first.address()).contains("offline");
    }

    @Test
    void emptyAppSaysHowToJoin() {
        assertThat(ok(admin, "machines", "list", "--app", "web")).contains("postern tokens create machine --app web");
    }

    @Test
    void badInputIsRefusedBeforeAnyRequest() {
        CliRunner.Result r = admin.run("tokens", "create", "machine", "--app", "web", "--ttl", "2 weeks");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--ttl '2 weeks'");
        r = admin.run("tokens", "create", "machine", "--app", "web", "--uses", "0");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--uses 0");
        r = admin.run("tokens", "create", "person", "--app", "web");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("'person'");
        r = admin.run("machines", "list", "--app", "nope");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("app 'nope' not found");
    }

    static String token(String out) {
        Matcher m = TOKEN.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }
}
