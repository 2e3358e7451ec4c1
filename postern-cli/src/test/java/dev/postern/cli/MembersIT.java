package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.Role;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.store.AuditEvent;
import dev.postern.store.JdbcStore;
import dev.postern.store.Org;
import dev.postern.store.Person;
import dev.postern.store.StoreConfig;
import dev.postern.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Members' logins and safe printing of members and audit records, through the CLI. */
class MembersIT {
    /** What a hostile value may not bring into an admin's terminal. */
    private static final List<String> RAW = List.of("\u001b", "\u0000", "\u2028", "\u202e", "\u0007");
    @TempDir
    Path tmp;
    MutableClock clock = MutableClock.atWallTime();

    @Test
    void loginsAreAssignedNeverRootAndShownInTheList() {
        try (ControlPlane plane = Plane.start(tmp.resolve("data"), clock)) {
            CliRunner admin = new CliRunner(tmp.resolve("admin"), clock);
            Plane.loginAdmin(plane, admin);
            ok(admin, "orgs", "create", "acme");
            CliRunner.Result root = admin.run("members", "add", "--org", "acme", "--email", "root@example.com");
            assertThat(root.exit()).as(root.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(root.err()).contains("'root' is a reserved name", "--login NAME");
            CliRunner.Result asked = admin.run("members", "add", "--org", "acme", "--email", "root@example.com",
                    "--login", "root");
            assertThat(asked.exit()).as("refused before any request").isEqualTo(ExitCodes.USAGE);
            assertThat(asked.err()).contains("reserved");

            assertThat(ok(admin, "members", "add", "--org", "acme", "--email", "root@example.com", "--login", "ops"))
                    .contains("as member, login ops.");
            assertThat(ok(admin, "members", "add", "--org", "acme", "--email", "bob@a.example")).contains("login bob.");
            CliRunner.Result bob2 = admin.run("members", "add", "--org", "acme", "--email", "bob@b.example");
            assertThat(bob2.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(bob2.err()).contains("already bob@a.example's login", "--login NAME");

            assertThat(ok(admin, "members", "list", "--org", "acme").lines())
                    .anyMatch(l -> l.matches("root@example\\.com\\s+member\\s+ops\\s+.*"))
                    .anyMatch(l -> l.matches("bob@a\\.example\\s+member\\s+bob\\s+.*"));
            assertThat(ok(admin, "members", "set", "--org", "acme", "--email", "root@example.com", "--login", "ops2"))
                    .contains("as ops2");
            assertThat(ok(admin, "members", "list", "--org", "acme", "--json")).contains("\"login\" : \"ops2\"");
            CliRunner.Result taken = admin.run("members", "set", "--org", "acme", "--email", "root@example.com",
                    "--login", "bob");
            assertThat(taken.exit()).isNotZero();
            assertThat(taken.err()).contains("'bob'", "bob@a.example");
        }
    }

    @Test
    void storedControlCharactersArePrintedEscaped() throws IOException {
        Path data = tmp.resolve("data");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ControlPlaneConfig config = new ControlPlaneConfig(data, null, "127.0.0.1", port, clock, null, "admin@localhost");
        CliRunner admin = new CliRunner(tmp.resolve("admin"), clock);
        try (ControlPlane plane = ControlPlane.start(config)) {
            Plane.loginAdmin(plane, admin);
            ok(admin, "orgs", "create", "acme");
        }
        // values an older server accepted, or that reached the database some other way
        String evil = "ev\u001b[2J\u001b]0;owned\u0007il\u0000\u2028x\u202e@example.com";
        try (JdbcStore store = JdbcStore.open(StoreConfig.h2(data))) {
            Org acme = store.orgs().byName("acme").orElseThrow();
            Person p = store.people().create(evil, clock.instant());
            store.orgs().addMember(acme.id(), p.id(), Role.MEMBER, "evil1", clock.instant());
            store.audit().append(new AuditEvent(0, clock.instant(), evil, "acme", "member.add", evil, "127.0.0.1",
                    "detail\u001b[1A\u2028hidden"));
        }
        try (ControlPlane plane = ControlPlane.start(config)) {
            for (List<String> command : List.of(List.of("members", "list", "--org", "acme"),
                    List.of("members", "list", "--org", "acme", "--json"), List.of("audit", "log", "--org", "acme"),
                    List.of("audit", "log", "--org", "acme", "--json"))) {
                String out = ok(admin, command.toArray(String[]::new));
                assertThat(RAW).as(String.join(" ", command)).noneMatch(out::contains);
                assertThat(out).as(String.join(" ", command)).containsIgnoringCase("\\u001b[2J");
            }
            assertThat(ok(admin, "audit", "log", "--org", "acme")).contains("detail\\u001b[1A\\u2028hidden");
        }
    }
}
