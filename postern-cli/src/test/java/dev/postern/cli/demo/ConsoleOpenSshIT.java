package dev.postern.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.CliRunner;
import dev.postern.cli.demo.PlannedDemo.Launched;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern ssh console} through the launcher script: the first run (a JVM) leaves a plan, later runs with the
 * same selectors go through stock OpenSSH with no JVM at all (proved by a {@code POSTERN_JAVA} that does not exist:
 * reaching the JVM path would fail on it), a command is never run twice, and a plan that is stale, loose or not for
 * these arguments is never followed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOpenSshIT {
    private static final String NO_JAVA = PlannedDemo.NO_JAVA;
    private PlannedDemo planned;
    private CliRunner person;
    private Path work;
    private String machine;

    @BeforeAll
    void startDemo(@TempDir Path tmp) throws IOException {
        work = tmp;
        planned = PlannedDemo.start(tmp);
        person = planned.person;
        machine = planned.machine;
    }

    @AfterAll
    void stopDemo() {
        planned.close();
    }

    @BeforeEach
    void planFromAJvmRun() throws Exception {
        Launched first = launch(null, "ssh", "console", "--app", "demo", "--machine", machine, "-C", "true");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(plan()).as("the JVM path left a plan").isRegularFile();
    }

    /** The certificate file the plan names: the one kept for the demo's context and org. */
    private Path certificate() throws IOException {
        return Path.of(Files.readAllLines(plan()).stream().filter(l -> l.startsWith("certificate "))
                .findFirst().orElseThrow().substring("certificate ".length()));
    }

    private Path plan() {
        return planned.plan();
    }

    @Test
    @Order(1)
    void laterConsolesRunThroughOpenSshWithNoJvm() throws Exception {
        assertThat(Files.getPosixFilePermissions(plan())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(plan().getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.readString(Path.of(plan() + ".conf"))).as("the gateway hop is quiet, the machine's is not")
                .containsOnlyOnce("  LogLevel QUIET\n").contains("  HostKeyAlias postern-gateway-demo."
                        + dev.postern.cli.connect.ContextFiles.label(person.context()) + "\n  LogLevel QUIET\n");
        Launched hello = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", "echo hello");
        assertThat(hello.exit()).as(hello.toString()).isZero();
        assertThat(hello.out()).isEqualTo("hello\n");
        assertThat(hello.err()).isEmpty();
        Launched seven = launch(NO_JAVA, "ssh", "console", "--app=demo", "--machine=" + machine, "--command", "exit 7");
        assertThat(seven.exit()).as(seven.toString()).isEqualTo(7);
        Launched cat = launchWithInput("piped\n", NO_JAVA, "ssh", "console", "-a", "demo", "--machine", machine,
                "-C", "cat");
        assertThat(cat.out()).as(cat.toString()).isEqualTo("piped\n");
    }

    @Test
    @Order(2)
    void aCommandThatExits255OrIsKilledIsNotRunAgain() throws Exception {
        // a signal ends with 255 too: OpenSSH ignores exit-signal, where the JVM path says 128+N (docs/CLI.md)
        for (String end : List.of("exit 255", "kill -TERM $$")) {
            Path ran = work.resolve("ran-" + end.replaceAll("[^a-z0-9]", ""));
            Launched r = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                    "echo once >> " + ran + "; " + end);
            assertThat(r.exit()).as(r.toString()).isEqualTo(255);
            assertThat(Files.readAllLines(ran)).containsExactly("once");
            assertThat(plan()).as("a remote 255 is the command's, not a broken plan").isRegularFile();
        }
    }

    @Test
    @Order(3)
    void aPlanThatFailsBeforeLoginGivesWayToTheJvmWhichRunsTheCommandOnce() throws Exception {
        Path conf = Path.of(plan() + ".conf");
        String good = Files.readString(conf);
        Files.writeString(conf, good.replaceFirst("(?m)^  Port [0-9]+$", "  Port 1"));
        Path ran = work.resolve("ran-fallback");
        // with no Java the fallback cannot run: proves the launcher tried it, and that OpenSSH ran nothing
        Launched noJvm = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                "echo once >> " + ran);
        assertThat(noJvm.exit()).as(noJvm.toString()).isNotZero();
        assertThat(noJvm.err()).contains("POSTERN_JAVA");
        assertThat(ran).doesNotExist();
        assertThat(plan()).as("the failed plan is gone").doesNotExist();
        assertThat(conf).as("and its config").doesNotExist();
        assertThat(Path.of(plan() + ".known_hosts")).as("and its known_hosts").doesNotExist();

        planFromAJvmRun();
        Files.writeString(conf, good.replaceFirst("(?m)^  Port [0-9]+$", "  Port 1"));
        Launched healed = launch(null, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                "echo once >> " + ran);
        assertThat(healed.exit()).as(healed.toString()).isZero();
        assertThat(Files.readAllLines(ran)).containsExactly("once");
        assertThat(Files.readString(conf)).as("the JVM wrote a new plan").isEqualTo(good);
        assertThat(Files.readString(plan())).contains("failures 1");
    }

    @Test
    @Order(4)
    void aPlanIsNotFollowedWhenExpiredLooseStaleOrForOtherArguments() throws Exception {
        Path ran = work.resolve("ran-never");
        String cmd = "echo ran >> " + ran;
        String text = Files.readString(plan());

        Files.writeString(plan(), text.replaceFirst("(?m)^expires [0-9]+$", "expires 1000"));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));

        Files.writeString(plan(), text);
        Files.setPosixFilePermissions(plan(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));
        Files.setPosixFilePermissions(plan(), PosixFilePermissions.fromString("rw-------"));

        Path config = person.posternHome().resolve("config.json");
        FileTime before = Files.getLastModifiedTime(config);
        Files.setLastModifiedTime(config, FileTime.from(Instant.now().plusSeconds(5)));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));
        Files.setLastModifiedTime(config, before);

        Path cert = certificate();
        FileTime certBefore = Files.getLastModifiedTime(cert);
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));
        Files.setLastModifiedTime(cert, certBefore);

        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "--pty", "-C", cmd));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "-C", cmd)); // another machine selector
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "--org", "other",
                "-C", cmd));
        Map<String, String> other = Map.of("POSTERN_CONTEXT", "elsewhere");
        assertJvmPath(launch(NO_JAVA, other, null, "ssh", "console", "--app", "demo", "--machine", machine,
                "-C", cmd));
        assertJvmPath(launch(NO_JAVA, Map.of("POSTERN_CONSOLE_OPENSSH", "0"), null, "ssh", "console", "--app", "demo",
                "--machine", machine, "-C", cmd));
        assertThat(ran).as("no plan above may run the command").doesNotExist();

        Launched ok = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd);
        assertThat(ok.exit()).as("the plan itself is still good: %s", ok).isZero();
        assertThat(Files.readAllLines(ran)).containsExactly("ran");
    }

    @Test
    @Order(99) // last: the person's certificate is revoked for good
    void aRevokedCertificateRunsNothingThroughThePlan() throws Exception {
        String serial = String.valueOf(OpenSshKeys.readCertificate(certificate())
                .getSerial());
        CliRunner.Result revoked = person.run("ssh", "revoke", "demo", "--serial", serial);
        assertThat(revoked.exit()).as(revoked.toString()).isZero();
        Path ran = work.resolve("ran-revoked");
        Launched r = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                "echo ran >> " + ran);
        assertThat(r.err()).as("refused by the gateway before login, so the JVM path was tried").contains("POSTERN_JAVA");
        assertThat(ran).doesNotExist();
    }

    @Test
    @Order(5)
    void aPlanUnderADirectoryOthersCanWriteIsNotFollowed() throws Exception {
        // Whoever can write an ancestor can swap ssh/console (or its parent) for their own between the launcher's
        // checks and OpenSSH reading the config: a ProxyCommand of theirs would run as this person.
        Path ran = work.resolve("ran-loose-ancestor");
        String cmd = "echo ran >> " + ran;
        for (Path loose : List.of(person.posternHome(), person.posternHome().resolve("ssh"))) {
            var before = Files.getPosixFilePermissions(loose);
            for (String mode : List.of("rwxrwxrwx", "rwxrwx---")) {
                Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString(mode));
                try {
                    assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));
                } finally {
                    Files.setPosixFilePermissions(loose, before);
                }
            }
        }
        Path ssh = person.posternHome().resolve("ssh");
        UserPrincipal owner = Files.getOwner(ssh);
        UserPrincipal nobody = ssh.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        boolean chowned = false;
        try {
            Files.setOwner(ssh, nobody); // as root (a root shell with HOME or POSTERN_HOME in someone's directory)
            chowned = true;
        } catch (IOException notRoot) {
            // only root can give a directory away; the modes above are the same check
        }
        if (chowned) {
            try {
                assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd));
            } finally {
                Files.setOwner(ssh, owner);
            }
        }
        assertThat(ran).doesNotExist();
        Launched ok = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", cmd);
        assertThat(ok.exit()).as("the plan itself is still good: %s", ok).isZero();

        // A POSTERN_HOME reached through a symbolic link: the real directories are checked and used.
        Path link = Files.createSymbolicLink(work.resolve("postern-home-link"), person.posternHome());
        Launched linked = launch(NO_JAVA, Map.of("POSTERN_HOME", link.toString()), null, "ssh", "console", "--app",
                "demo", "--machine", machine, "-C", "echo linked");
        assertThat(linked.out()).as(linked.toString()).isEqualTo("linked\n");
        assertThat(Files.readString(Path.of(plan() + ".conf"))).doesNotContain(link.toString());
    }

    @Test
    @Order(6)
    void argumentsTheJvmWouldRefuseOrReadDifferentlyAreLeftToIt() throws Exception {
        Path ran = work.resolve("ran-odd-arguments");
        String cmd = "echo ran >> " + ran;
        // picocli refuses an option given twice: the fast path must not run the last one
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", "elsewhere", "--machine", machine,
                "-C", cmd));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", "rm -rf x",
                "-C", cmd));
        // an empty value is an error for the JVM (e.g. -u "$UNSET"), never "not given" (root by default)
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-u", "", "-C", cmd));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "--org=", "-C", cmd));
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "--context", "",
                "-C", cmd));
        // picocli reads an argument @FILE as the arguments in FILE
        assertJvmPath(launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", "@" + ran));
        assertThat(ran).doesNotExist();
    }

    @Test
    @Order(7)
    void theLoginMarkerDoesNotDependOnThePersonsShell() throws Exception {
        // OpenSSH runs LocalCommand with $SHELL -c: a shell that prints (zsh's .zshenv, fish's config) would add to
        // the command's output, and one that cannot run it would leave no marker, so a command that exits 255
        // would be run again by the JVM.
        Path noisy = work.resolve("noisy-shell");
        Files.writeString(noisy, "#!/bin/sh\necho noise\nexec /bin/sh \"$@\"\n");
        Files.setPosixFilePermissions(noisy, PosixFilePermissions.fromString("rwx------"));
        Launched hello = launch(NO_JAVA, Map.of("SHELL", noisy.toString()), null, "ssh", "console", "--app", "demo",
                "--machine", machine, "-C", "echo hello");
        assertThat(hello.exit()).as(hello.toString()).isZero();
        assertThat(hello.out()).isEqualTo("hello\n");

        // a shell that runs OpenSSH's ProxyJump but not the marker (say, no touch on its PATH)
        Path blind = work.resolve("marker-blind-shell");
        Files.writeString(blind, "#!/bin/sh\ncase \"$2\" in *.up.*) exit 0 ;; esac\nexec /bin/sh \"$@\"\n");
        Files.setPosixFilePermissions(blind, PosixFilePermissions.fromString("rwx------"));
        Path ran = work.resolve("ran-blind-shell");
        Launched r = launch(null, Map.of("SHELL", blind.toString()), null, "ssh", "console", "--app", "demo",
                "--machine", machine, "-C", "echo once >> " + ran + "; exit 255");
        assertThat(r.exit()).as(r.toString()).isEqualTo(255);
        assertThat(Files.readAllLines(ran)).containsExactly("once");
    }

    @Test
    @Order(8)
    void aNewGatewayKeyOrHostCaRunsNothingThroughThePlan() throws Exception {
        // The plan pins the gateway's key and the host CA of when it was made: a gateway that now shows another
        // key (moved, replaced, or someone in between) or machines certified by a rotated CA fail before login.
        Path knownHosts = Path.of(plan() + ".known_hosts");
        String good = Files.readString(knownHosts);
        String gatewayKey = good.lines().filter(l -> l.startsWith("postern-gateway-")).findFirst().orElseThrow()
                .split(" ", 2)[1];
        String hostCa = good.lines().filter(l -> l.startsWith("@cert-authority")).findFirst().orElseThrow()
                .split(" ", 3)[2];
        Path ran = work.resolve("ran-new-keys");
        for (String swapped : List.of(good.replace(gatewayKey, hostCa), good.replace(hostCa, gatewayKey))) {
            planFromAJvmRun();
            Files.writeString(knownHosts, swapped);
            Launched r = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C",
                    "echo ran >> " + ran);
            assertThat(r.err()).as(r.toString()).contains("POSTERN_JAVA");
            assertThat(plan()).as("the plan that failed is gone").doesNotExist();
        }
        assertThat(ran).doesNotExist();

        // OpenSSH read none of stdin before it failed: the JVM path that takes over gets all of it
        planFromAJvmRun();
        Files.writeString(knownHosts, good.replace(gatewayKey, hostCa));
        Launched cat = launchWithInput("piped\n", null, "ssh", "console", "--app", "demo", "--machine", machine,
                "-C", "cat");
        assertThat(cat.exit()).as(cat.toString()).isZero();
        assertThat(cat.out()).isEqualTo("piped\n");
    }

    @Test
    @Order(20)
    void aConsoleThroughThePlanStartsItsCountOfFailuresAgain() throws Exception {
        // failures count in a row (a get's and a console's alike: one plan, one gateway, one certificate); before,
        // one before a good run added up with one after it and stopped the plan until it expired
        String text = Files.readString(plan()).replaceFirst("(?m)^failures [0-9]+$", "failures 0");
        FileTime written = Files.getLastModifiedTime(plan());
        Files.writeString(plan(), text.replaceFirst("(?m)^failures 0$", "failures 1"));
        Files.setLastModifiedTime(plan(), written);
        Launched r = launch(NO_JAVA, "ssh", "console", "--app", "demo", "--machine", machine, "-C", "true");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(plan())).isEqualTo(text);
        assertThat(Files.getLastModifiedTime(plan())).isEqualTo(written);
        try (var s = Files.list(plan().getParent())) {
            assertThat(s.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(".") || n.endsWith(".new"));
        }
    }

    private static void assertJvmPath(Launched r) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as("the launcher went on to pick a Java").contains("POSTERN_JAVA=" + NO_JAVA);
    }

    private Launched launch(String java, String... args) {
        return planned.launch(null, java, Map.of(), null, List.of(args));
    }

    private Launched launchWithInput(String input, String java, String... args) {
        return planned.launch(null, java, Map.of(), input, List.of(args));
    }

    private Launched launch(String java, Map<String, String> extra, String input, String... args) {
        return planned.launch(null, java, extra, input, List.of(args));
    }
}
