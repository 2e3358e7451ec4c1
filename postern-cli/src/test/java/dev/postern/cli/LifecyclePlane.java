package dev.postern.cli;

import static dev.postern.cli.Plane.ok;

import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A control plane with its gateway on loopback, org and app {@code demo} with a CA, and its owner logged in to the
 * CLI, all on one {@link MutableClock}; for the machine lifecycle tests.
 */
final class LifecyclePlane implements AutoCloseable {
    final MutableClock clock;
    final ControlPlane plane;
    final CliRunner admin;
    private final Path dir;

    LifecyclePlane(Path dir, Duration hostCertValidity) {
        this(dir, hostCertValidity, MutableClock.atWallTime());
    }

    /** A plane whose clock starts at {@code clock}'s time (tests that move it start it in the past). */
    LifecyclePlane(Path dir, Duration hostCertValidity, MutableClock clock) {
        this.dir = dir;
        this.clock = clock;
        plane = ControlPlane.start(ControlPlaneConfig.local(dir.resolve("server"), clock)
                .withHostCertValidity(hostCertValidity));
        admin = new CliRunner(dir.resolve("admin"), clock);
        Plane.loginAdmin(plane, admin);
        ok(admin, "orgs", "create", "demo");
        ok(admin, "apps", "create", "demo", "--org", "demo");
        ok(admin, "ssh", "establish", "demo");
    }

    /** A new machine join token for app {@code demo}. */
    String token(int uses) {
        return MachinesIT.token(ok(admin, "tokens", "create", "machine", "--app", "demo", "--uses",
                Integer.toString(uses)));
    }

    /** Joins a machine in this JVM on the plane's clock and waits (bounded) until its tunnel is up. */
    InProcessMachine machine(String name) {
        return join(name, token(1));
    }

    /** As {@link #machine(String)}, of app {@code demo} in {@code org} (which the test made, with such an app). */
    InProcessMachine machine(String name, String org) {
        return join(name, MachinesIT.token(ok(admin, "tokens", "create", "machine", "--app", "demo", "--org", org)));
    }

    private InProcessMachine join(String name, String token) {
        InProcessMachine m = InProcessMachine.join(plane.baseUrl(), token, dir.resolve(name), clock);
        MachineProcesses.awaitTrue(Duration.ofSeconds(20), () -> m.agent().tunnelOnline(), "tunnel of " + name);
        return m;
    }

    /**
     * Writes the generated ssh config ({@code ssh config --write}, which keeps the admin's key) with the short names
     * on, so tests reach a machine as {@code <id>.vm.demo.internal}; returns its path.
     */
    Path sshConfig() {
        ok(admin, "ssh", "config", "--app", "demo", "--org", "demo", "--short-names");
        return admin.sshConfig("demo", "demo");
    }

    @Override
    public void close() {
        plane.close();
    }
}
