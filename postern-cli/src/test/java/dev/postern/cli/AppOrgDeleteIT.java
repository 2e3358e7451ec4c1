package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postern apps delete} and {@code postern orgs delete}: only when empty or with --force, only by owners. */
class AppOrgDeleteIT {
    @TempDir
    Path dir;
    private LifecyclePlane plane;
    private InProcessMachine machine;
    private CliRunner admin;

    @BeforeEach
    void start() {
        plane = new LifecyclePlane(dir, Duration.ofDays(7));
        machine = plane.machine("m1");
        String invite = ok(plane.admin, "members", "add", "--org", "demo", "--email", "ann@example.com", "--role",
                "admin");
        admin = new CliRunner(dir.resolve("ann"), plane.clock);
        ok(admin, "auth", "login", "--server", plane.plane.baseUrl(), "--token",
                invite.replaceAll("(?s).*?(pst_[A-Za-z0-9_-]+).*", "$1"));
    }

    @AfterEach
    void stop() {
        machine.close();
        plane.close();
    }

    @Test
    void anAppWithMachinesIsDeletedOnlyWithForceAndOnlyByAnOwner() {
        CliRunner.Result notOwner = admin.run("apps", "delete", "demo", "--org", "demo", "--force");
        assertThat(notOwner.exit()).as(notOwner.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(notOwner.err()).contains("only owners");

        CliRunner.Result notEmpty = plane.admin.run("apps", "delete", "demo", "--org", "demo");
        assertThat(notEmpty.exit()).as(notEmpty.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(notEmpty.err()).contains("still has 1 machine(s)", "--force");
        assertThat(machine.agent().tunnelOnline()).as("refusals change nothing").isTrue();
        assertThat(ok(plane.admin, "machines", "list", "--app", "demo")).contains(machine.id());

        ok(plane.admin, "apps", "delete", "demo", "--org", "demo", "--force");
        awaitTrue(Duration.ofSeconds(20), () -> machine.agent().gatewayMessage().contains("tunnel login refused"),
                "the removed machine's tunnel refused");
        assertThat(ok(plane.admin, "apps", "list", "--org", "demo")).doesNotContain("demo  ");
        assertThat(plane.admin.run("machines", "list", "--app", "demo").err()).contains("app 'demo' not found");
        assertThat(ok(plane.admin, "audit", "log", "--org", "demo")).contains("app.delete", "machine.remove");

        ok(plane.admin, "apps", "create", "empty", "--org", "demo");
        ok(plane.admin, "apps", "delete", "empty", "--org", "demo");
    }

    @Test
    void anOrgWithAppsIsDeletedOnlyWithForceAndOnlyByAnOwner() {
        CliRunner.Result notOwner = admin.run("orgs", "delete", "demo", "--force");
        assertThat(notOwner.exit()).as(notOwner.toString()).isEqualTo(ExitCodes.AUTH);

        CliRunner.Result notEmpty = plane.admin.run("orgs", "delete", "demo");
        assertThat(notEmpty.exit()).as(notEmpty.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(notEmpty.err()).contains("still has 1 app(s) (demo)", "--force");
        assertThat(machine.agent().tunnelOnline()).isTrue();

        ok(plane.admin, "orgs", "delete", "demo", "--force");
        awaitTrue(Duration.ofSeconds(20), () -> !machine.agent().tunnelOnline()
                && machine.agent().gatewayMessage().contains("tunnel login refused"), "the org's machine refused");
        assertThat(ok(plane.admin, "orgs", "list")).doesNotContain("demo");
        CliRunner.Result gone = admin.run("apps", "list", "--org", "demo");
        assertThat(gone.exit()).isEqualTo(ExitCodes.USAGE);

        // the name is free again, with a new CA
        ok(plane.admin, "orgs", "create", "demo");
        ok(plane.admin, "orgs", "create", "spare");
        ok(plane.admin, "orgs", "delete", "spare");
    }
}
