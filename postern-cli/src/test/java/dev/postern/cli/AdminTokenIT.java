package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.server.AdminTokens;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern server admin-token}: recovering a running server whose only admin logged out, with the
 * embedded H2 (held open by the server) and with PostgreSQL. The attacker can write to the data dir but does not
 * hold the master key, or replays a used token.
 */
class AdminTokenIT {
    private static final String PG = System.getenv().getOrDefault("POSTERN_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    @TempDir
    Path tmp;
    MutableClock clock = MutableClock.atWallTime();
    ControlPlane plane;
    String schema;

    @AfterEach
    void stop() throws Exception {
        if (plane != null) {
            plane.close();
        }
        if (schema != null) {
            sql("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void recoversARunningH2ServerWhoseOnlyAdminLoggedOut() {
        Path data = tmp.resolve("data");
        plane = Plane.start(data, clock);
        assertThat(data.resolve("bootstrap-token")).exists();
        CliRunner admin = new CliRunner(tmp.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        assertThat(data.resolve("bootstrap-token")).as("removed after its first use").doesNotExist();
        ok(admin, "orgs", "create", "acme");
        ok(admin, "auth", "logout");
        assertThat(admin.run("orgs", "list").exit()).isEqualTo(ExitCodes.AUTH);

        CliRunner host = new CliRunner(tmp.resolve("root"), clock);
        CliRunner.Result wrongDir = host.run("server", "admin-token", "--data", tmp.toString());
        assertThat(wrongDir.exit()).as(wrongDir.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrongDir.err()).contains("no embedded database").contains(tmp.toString());
        String printed = ok(host, "server", "admin-token", "--data", data.toString(), "--server", plane.baseUrl());
        String[] login = loginWords(printed);
        assertThat(String.join(" ", login)).startsWith("auth login --server " + plane.baseUrl() + " --token pst_");
        ok(admin, login);
        assertThat(ok(admin, "orgs", "list")).contains("acme");
        assertThat(ok(admin, "audit", "log")).contains("admin-token.issue").contains("server-host")
                .doesNotContain(login[login.length - 1]);
        assertThat(data.resolve("admin-token-request")).doesNotExist();

        CliRunner.Result again = new CliRunner(tmp.resolve("thief"), clock).run(login);
        assertThat(again.exit()).as("works once").isEqualTo(ExitCodes.AUTH);
    }

    @Test
    void aRequestNotSealedWithTheServersMasterKeyLogsNobodyIn() {
        Path data = tmp.resolve("data");
        plane = Plane.start(data, clock);
        byte[] otherKey = new byte[32];
        new SecureRandom().nextBytes(otherKey);
        AdminTokens.Issued forged = AdminTokens.issue(data, null, Base64.getEncoder().encodeToString(otherKey), null,
                clock);
        assertThat(data.resolve("admin-token-request")).exists();
        CliRunner attacker = new CliRunner(tmp.resolve("attacker"), clock);
        CliRunner.Result r = attacker.run("auth", "login", "--server", plane.baseUrl(), "--token", forged.token());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(data.resolve("admin-token-request")).as("a forged request is thrown away").doesNotExist();

        // nor does an expired one, even sealed with the right key
        String printed = ok(new CliRunner(tmp.resolve("root"), clock), "server", "admin-token", "--data",
                data.toString(), "--server", plane.baseUrl());
        clock.advance(AdminTokens.TTL.plusMinutes(1));
        assertThat(attacker.run(loginWords(printed)).exit()).isEqualTo(ExitCodes.AUTH);
    }

    @Test
    void recoversARunningPostgresServerAtOnceForTheChosenPerson() throws Exception {
        schema = "postern_admintoken_" + UUID.randomUUID().toString().replace("-", "");
        sql("CREATE SCHEMA " + schema);
        String url = PG + (PG.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Path data = tmp.resolve("data");
        plane = ControlPlane.start(new ControlPlaneConfig(data, url, "127.0.0.1", 0, clock, null,
                ControlPlaneConfig.DEFAULT_BOOTSTRAP_EMAIL));
        CliRunner admin = new CliRunner(tmp.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "acme");
        ok(admin, "members", "add", "--org", "acme", "--email", "bob@example.com");
        ok(admin, "auth", "logout");

        CliRunner host = new CliRunner(tmp.resolve("root"), clock);
        CliRunner.Result unknown = host.run("server", "admin-token", "--data", data.toString(), "--db", url,
                "--email", "nobody@example.com");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("nobody@example.com");

        String printed = ok(host, "server", "admin-token", "--data", data.toString(), "--db", url, "--email",
                "bob@example.com", "--server", plane.baseUrl());
        assertThat(data.resolve("admin-token-request")).as("stored at once, no file").doesNotExist();
        CliRunner bob = new CliRunner(tmp.resolve("bob"), clock);
        ok(bob, loginWords(printed));
        assertThat(ok(bob, "auth", "whoami")).contains("bob@example.com");
        assertThat(bob.run(loginWords(printed)).exit()).isEqualTo(ExitCodes.AUTH);

        ok(admin, loginWords(ok(host, "server", "admin-token", "--data", data.toString(), "--db", url,
                "--server", plane.baseUrl())));
        assertThat(ok(admin, "audit", "log")).contains("admin-token.issue").contains("bob@example.com");
    }

    private static String[] loginWords(String printed) {
        String line = printed.lines().filter(l -> l.contains("postern auth login")).findFirst().orElseThrow().trim();
        String[] words = line.split("\\s+");
        return Arrays.copyOfRange(words, 1, words.length);
    }

    private static void sql(String statement) throws Exception {
        var admin = dev.postern.store.StoreConfig.parse(PG);
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
