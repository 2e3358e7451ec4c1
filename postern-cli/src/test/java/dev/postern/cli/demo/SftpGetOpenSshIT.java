package dev.postern.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.CliRunner;
import dev.postern.cli.demo.PlannedDemo.Launched;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern ssh sftp get} through the launcher script: a plan left by a JVM console or get lets later single-file
 * gets run through OpenSSH's scp with no JVM at all (a {@code POSTERN_JAVA} that does not exist proves it), with
 * the JVM path's semantics (no overwrite unless asked, LOCAL a directory, a temporary file that Ctrl-C removes), no
 * file name ever read as an option, a host or a glob, and a stale plan giving way to the JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SftpGetOpenSshIT {
    private static final String NO_JAVA = PlannedDemo.NO_JAVA;
    private PlannedDemo planned;
    private CliRunner person;
    private Path script;
    private Path remoteDir;
    private Path remoteFile;
    private String machine;

    @TempDir
    Path local;

    @BeforeAll
    void startDemo(@TempDir Path tmp) throws IOException {
        planned = PlannedDemo.start(tmp);
        person = planned.person;
        script = planned.script;
        machine = planned.machine;
        // the demo's machines are agents on this host: their files are this host's
        remoteDir = Files.createDirectories(tmp.resolve("remote"));
        remoteFile = remoteDir.resolve("data.bin");
        Files.write(remoteFile, "remote content\n".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(remoteFile, PosixFilePermissions.fromString("rwxrw-rw-"));
    }

    @AfterAll
    void stopDemo() {
        planned.close();
    }

    @BeforeEach
    void planFromAJvmGet() throws Exception {
        Files.deleteIfExists(plan());
        Launched first = get(null, "--app", "demo", "--machine", machine, remoteFile.toString(), "first.bin");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(plan()).as("the JVM get left a plan").isRegularFile();
        Files.delete(local.resolve("first.bin"));
    }

    private Path plan() {
        return planned.plan();
    }

    @Test
    void laterGetsRunThroughScpWithNoJvmAndTheJvmsResult() throws Exception {
        Launched r = get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), "copy.bin");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(Files.mismatch(remoteFile, local.resolve("copy.bin"))).isEqualTo(-1);
        assertThat(Files.getPosixFilePermissions(local.resolve("copy.bin"))).as("the remote mode less group/other write")
                .isEqualTo(PosixFilePermissions.fromString("rwxr--r--"));
        assertThat(Files.getLastModifiedTime(local.resolve("copy.bin")))
                .isGreaterThan(Files.getLastModifiedTime(remoteFile));

        // LOCAL a directory, and the current directory by default: LOCAL/basename(REMOTE)
        Path into = Files.createDirectory(local.resolve("into"));
        assertThat(get(NO_JAVA, "--app=demo", "--machine=" + machine, remoteFile.toString(), "into").exit()).isZero();
        assertThat(Files.mismatch(remoteFile, into.resolve("data.bin"))).isEqualTo(-1);
        assertThat(get(NO_JAVA, "-a", "demo", "--machine", machine, remoteFile.toString()).exit()).isZero();
        assertThat(Files.mismatch(remoteFile, local.resolve("data.bin"))).isEqualTo(-1);

        // a console's plan is the same file: it serves a get
        Files.delete(plan());
        Launched console = launch(null, List.of("ssh", "console", "--app", "demo", "--machine", machine, "-C", "true"));
        assertThat(console.exit()).as(console.toString()).isZero();
        assertThat(get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), "viaconsole.bin").exit())
                .isZero();
        assertThat(Files.mismatch(remoteFile, local.resolve("viaconsole.bin"))).isEqualTo(-1);
        assertNoTemporaryFiles();
    }

    @Test
    void anExistingFileIsReplacedOnlyWithOverwrite() throws Exception {
        Path target = Files.writeString(local.resolve("kept.txt"), "mine\n");
        assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), "kept.txt"));
        Launched refused = get(null, "--app", "demo", "--machine", machine, remoteFile.toString(), "kept.txt");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains(target.toString()).contains("--overwrite");
        assertThat(Files.readString(target)).isEqualTo("mine\n");

        Launched replaced = get(NO_JAVA, "--app", "demo", "--machine", machine, "--overwrite", remoteFile.toString(),
                "kept.txt");
        assertThat(replaced.exit()).as(replaced.toString()).isZero();
        assertThat(Files.mismatch(remoteFile, target)).isEqualTo(-1);
        assertNoTemporaryFiles();
    }

    @Test
    void aRemoteErrorIsReportedOnceAndLeavesNothing() throws Exception {
        String missing = remoteDir.resolve("no-such-file.bin").toString();
        Launched r = get(NO_JAVA, "--app", "demo", "--machine", machine, missing, "missing.bin");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().split(java.util.regex.Pattern.quote(missing), -1)).as(r.err()).hasSize(2);
        assertThat(r.err()).doesNotContain("POSTERN_JAVA");
        assertThat(local.resolve("missing.bin")).doesNotExist();
        assertNoTemporaryFiles();
        assertThat(plan()).as("an error after the login is no reason to drop the plan").isRegularFile();
    }

    @Test
    void aRemoteDirectoryWithoutRGetsTheSameMessageOnBothPathsAndWritesNothing() throws Exception {
        // scp says only "download DIR/: not a regular file" (exit 1): before, that was the planned get's answer
        String dir = remoteDir.toString();
        assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, dir, "dir.out"));
        assertThat(plan()).as("it logged in: the plan is good").isRegularFile();
        assertThat(Files.readString(plan())).contains("failures 0");
        Launched planned = get(null, "--app", "demo", "--machine", machine, dir, "dir.out");
        Launched jvm = launch(null, Map.of("POSTERN_OPENSSH", "0"), List.of("ssh", "sftp", "get", "--app", "demo",
                "--machine", machine, dir, "dir.out"));
        Launched here = get(null, "--app", "demo", "--machine", machine, dir);
        for (Launched r : List.of(planned, jvm, here)) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("postern: " + dir + " is a directory on the machine; use -R to copy it\n");
        }
        assertThat(local.resolve("dir.out")).as("nothing written locally").doesNotExist();
        assertThat(local.resolve(remoteDir.getFileName())).doesNotExist();
        assertNoTemporaryFiles();
    }

    @Test
    void namesAreNeverReadAsOptionsHostsOrGlobs() throws Exception {
        // LOCAL with a colon: never host:path for scp
        Launched colon = get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), "evil:host.bin");
        assertThat(colon.exit()).as(colon.toString()).isZero();
        assertThat(Files.mismatch(remoteFile, local.resolve("evil:host.bin"))).isEqualTo(-1);
        // LOCAL starting with '-' after '--'
        Launched dash = get(NO_JAVA, "--app", "demo", "--machine", machine, "--", remoteFile.toString(), "-oevil");
        assertThat(dash.exit()).as(dash.toString()).isZero();
        assertThat(Files.mismatch(remoteFile, local.resolve("-oevil"))).isEqualTo(-1);

        Path pwned = local.resolve("pwned");
        Files.copy(remoteFile, remoteDir.resolve("a1.bin"));
        for (String remote : List.of("-oProxyCommand=touch " + pwned, "-oProxyCommand=touch", remoteDir + "/a*.bin",
                remoteDir + "/a?.bin", remoteDir + "/a[1].bin", remoteDir + "/{a1,data}.bin", "~/x", "host:" + remoteFile,
                remoteDir + "/a1.bin/", remoteDir + "/..", "a b")) {
            assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, "--", remote, "out.bin"));
        }
        for (String remote : List.of(remoteDir + "/a*.bin", remoteDir + "/{a1,data}.bin")) {
            Launched jvm = get(null, "--app", "demo", "--machine", machine, remote, "out.bin");
            assertThat(jvm.exit()).as("the JVM reads it literally: %s", jvm).isEqualTo(1);
        }
        assertThat(pwned).doesNotExist();
        assertThat(local.resolve("out.bin")).doesNotExist();
        // anything but a plain single-file get is the JVM's
        assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, "-R", remoteDir.toString(), "tree"));
        assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, "--help"));
        assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, "@" + remoteFile));
        assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, "--overwrite", "--overwrite",
                remoteFile.toString(), "twice.bin"));
        assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), "~/x"));
        assertJvmPath(launch(NO_JAVA, Map.of("POSTERN_OPENSSH", "0"), List.of("ssh", "sftp", "get", "--app", "demo",
                "--machine", machine, remoteFile.toString(), "off.bin")));
        assertNoTemporaryFiles();
    }

    @Test
    void aStalePlanGivesWayToTheJvmWhichPlansAgain() throws Exception {
        Path conf = Path.of(plan() + ".conf");
        String good = Files.readString(conf);
        Files.writeString(conf, good.replaceFirst("(?m)^  Port [0-9]+$", "  Port 1")); // the gateway moved
        Launched noJvm = get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), "stale.bin");
        assertJvmPath(noJvm);
        assertThat(noJvm.err()).as("quietly: OpenSSH's messages are the JVM's to explain").doesNotContain("scp")
                .doesNotContain("ssh:");
        assertThat(plan()).as("the failed plan is gone").doesNotExist();
        assertThat(local.resolve("stale.bin")).doesNotExist();
        assertNoTemporaryFiles();

        planFromAJvmGet();
        Files.writeString(conf, good.replaceFirst("(?m)^  Port [0-9]+$", "  Port 1"));
        Launched healed = get(null, "--app", "demo", "--machine", machine, remoteFile.toString(), "healed.bin");
        assertThat(healed.exit()).as(healed.toString()).isZero();
        assertThat(Files.mismatch(remoteFile, local.resolve("healed.bin"))).isEqualTo(-1);
        assertThat(Files.readString(conf)).as("the JVM wrote a new plan").isEqualTo(good);
        assertThat(Files.readString(plan())).contains("failures 1");
    }

    @Test
    void anScpThatRefusesBeforeSshLeavesThePlanToTheConsole() throws Exception {
        // an OpenSSH older than 8.7 has no 'scp -s': nothing is wrong with the plan, which the console still uses
        Path bin = Files.createDirectories(local.resolve("old-openssh"));
        Path scp = Files.writeString(bin.resolve("scp"), "#!/bin/sh\necho 'usage: scp [-346BCpqrTv]' >&2\nexit 1\n");
        Files.setPosixFilePermissions(scp, PosixFilePermissions.fromString("rwx------"));
        assertJvmPath(launch(NO_JAVA, Map.of("PATH", bin + ":" + System.getenv("PATH")), List.of("ssh", "sftp", "get",
                "--app", "demo", "--machine", machine, remoteFile.toString(), "old.bin")));
        assertThat(plan()).isRegularFile();
        assertThat(Files.readString(plan())).contains("failures 0");
        assertThat(local.resolve("old.bin")).doesNotExist();
        assertNoTemporaryFiles();
    }

    @Test
    void ctrlCLeavesNeitherTheFileNorItsTemporary() throws Exception {
        Path big = remoteDir.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(2L << 30); // sparse: read fast, written here until interrupted
        }
        try {
            for (String signal : List.of("INT", "TERM")) {
                List<String> cmd = new ArrayList<>(List.of("setsid", script.toString(), "ssh", "sftp", "get", "--app",
                        "demo", "--machine", machine, big.toString(), "big.bin"));
                Process p = builder(NO_JAVA, Map.of(), cmd).start();
                CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p));
                boolean writing = false;
                for (int i = 0; i < 3000 && !writing && p.isAlive(); i++) { // up to 60 s
                    writing = temporaryFiles().anyMatch(t -> t.toFile().length() > 0);
                    Thread.sleep(20);
                }
                assertThat(writing).as("the transfer started").isTrue();
                // Ctrl-C reaches the whole process group (the terminal's); TERM the launcher alone
                String target = signal.equals("INT") ? "-" + p.pid() : String.valueOf(p.pid());
                assertThat(new ProcessBuilder("kill", "-" + signal, "--", target).start().waitFor()).isZero();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(new String(err.join(), StandardCharsets.UTF_8))
                        .isEqualTo(signal.equals("INT") ? 130 : 143);
                assertThat(local.resolve("big.bin")).doesNotExist();
                assertNoTemporaryFiles();
            }
        } finally {
            Files.delete(big);
        }
    }

    @Test
    void aMarkerVariableLeftInTheShellNeverMakesTheLauncherSsh() throws Exception {
        // before: any command run with POSTERN_SCP_MARKER set became `ssh ARGS` and made NAME.ssh
        Path named = local.resolve("marker");
        Map<String, String> marked = Map.of("POSTERN_SCP_MARKER", named.toString());
        assertJvmPath(launch(NO_JAVA, marked, List.of("--version")));
        Launched get = launch(NO_JAVA, marked, List.of("ssh", "sftp", "get", "--app", "demo", "--machine", machine,
                remoteFile.toString(), "marked.bin"));
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(Files.mismatch(remoteFile, local.resolve("marked.bin"))).isEqualTo(-1);
        assertThat(Path.of(named + ".ssh")).doesNotExist();
        assertThat(named).doesNotExist();
        assertNoTemporaryFiles();
    }

    @Test
    void aTargetDirectoryAnotherUserCouldRenameInIsTheJvms() throws Exception {
        // scp, chmod and touch open the temporary file by name, following links: whoever can rename in its directory
        // (or above it) could swap in a link to ~/.bashrc, or for root /etc/shadow, and have the machine's bytes
        // written there. A sticky directory like /tmp is fine: nobody renames another's file in it.
        Path open = Files.createDirectory(local.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path below = Files.createDirectory(open.resolve("below"));
        Path theirs = Files.createDirectory(local.resolve("theirs"));
        Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Path link = Files.createSymbolicLink(local.resolve("link"), open);
        for (Path dir : List.of(open, below, theirs, link)) {
            assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), dir.toString()));
            assertJvmPath(get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(),
                    dir.resolve("named.bin").toString()));
        }
        try (Stream<Path> s = Stream.of(open, below, theirs).flatMap(SftpGetOpenSshIT::list)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("below");
        }
        Path sticky = Files.createDirectory(local.resolve("sticky"));
        assertThat(new ProcessBuilder("chmod", "1777", sticky.toString()).start().waitFor()).isZero();
        Launched r = get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), sticky.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.mismatch(remoteFile, sticky.resolve("data.bin"))).isEqualTo(-1);
        assertNoTemporaryFiles();
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void whatAMachineWritesOnStderrReachesTheTerminalEscaped() throws Exception {
        // ssh passes what the machine writes on the SFTP channel's stderr on raw, and scp's stderr was printed as it
        // came. A compromised agent is stood in for by an ssh that adds the machine's text after the real one ends.
        Path bin = Files.createDirectories(local.resolve("machine-stderr"));
        Path ssh = Files.writeString(bin.resolve("ssh"), "#!/bin/sh\n" + onPath("ssh") + " \"$@\"\nrc=$?\n"
                + "printf 'machine: \\033]0;owned\\007\\033[2J\\302\\233x \\\\ done\\n' >&2\nexit $rc\n");
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
        String missing = remoteDir.resolve("no-such-file.bin").toString();
        Launched r = launch(NO_JAVA, Map.of("PATH", bin + ":" + System.getenv("PATH")), List.of("ssh", "sftp", "get",
                "--app", "demo", "--machine", machine, missing, "escaped.bin"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as("the launcher went through the stand-in").contains("machine: ");
        assertThat(r.err().chars().filter(c -> c < 0x20 && c != '\n' || c >= 0x7f)).as(r.err()).isEmpty();
        assertThat(r.err()).contains("machine: \\x1b]0;owned\\x07\\x1b[2J\\xc2\\x9bx \\x5c done\n")
                .contains(missing + ": No such file or directory\n");
        assertThat(local.resolve("escaped.bin")).doesNotExist();
        assertNoTemporaryFiles();
    }

    private static String onPath(String program) {
        return Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, program)).filter(Files::isExecutable)
                .findFirst().orElseThrow().toString();
    }

    @Test
    void aMachinesModeNeverGivesSetuidOrOthersWrite() throws Exception {
        // scp -p applies only the permission bits (mode & 0777); the launcher takes group and other write off
        Path suid = remoteDir.resolve("suid.bin");
        Files.copy(remoteFile, suid);
        try {
            assertThat(new ProcessBuilder("chmod", "7777", suid.toString()).start().waitFor()).isZero();
            Launched r = get(NO_JAVA, "--app", "demo", "--machine", machine, suid.toString(), "suid.bin");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat((Integer) Files.getAttribute(local.resolve("suid.bin"), "unix:mode") & 07777)
                    .isEqualTo(0755);
        } finally {
            Files.delete(suid);
        }
    }

    @Test
    void aGetThroughThePlanStartsItsCountOfFailuresAgain() throws Exception {
        // failures count in a row: one before a good run must not add up with one after it and stop the plan
        String text = Files.readString(plan()).replaceFirst("(?m)^failures [0-9]+$", "failures 0");
        FileTime written = Files.getLastModifiedTime(plan());
        Files.writeString(plan(), text.replaceFirst("(?m)^failures 0$", "failures 1"));
        Files.setLastModifiedTime(plan(), written);
        Launched r = get(NO_JAVA, "--app", "demo", "--machine", machine, remoteFile.toString(), "counted.bin");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(plan())).isEqualTo(text);
        assertThat(Files.getLastModifiedTime(plan())).as("the checks compare its time with the certificate's")
                .isEqualTo(written);
        assertThat(Files.getPosixFilePermissions(plan())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertNoTemporaryFiles();
    }

    private static byte[] readAll(Process p) {
        try {
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.getErrorStream().readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private Stream<Path> temporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(local)) {
            return s.filter(f -> f.getFileName().toString().startsWith(".postern-part-")).toList().stream();
        }
    }

    private void assertNoTemporaryFiles() throws IOException {
        assertThat(temporaryFiles()).isEmpty();
        try (Stream<Path> s = Files.list(plan().getParent())) {
            assertThat(s.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    private static void assertJvmPath(Launched r) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as("the launcher went on to pick a Java").contains("POSTERN_JAVA=" + NO_JAVA);
    }

    private Launched get(String java, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "sftp", "get"));
        cmd.addAll(List.of(args));
        return launch(java, cmd);
    }

    private Launched launch(String java, List<String> args) {
        return planned.launch(local, java, Map.of(), null, args);
    }

    private Launched launch(String java, Map<String, String> extra, List<String> args) {
        return planned.launch(local, java, extra, null, args);
    }

    private ProcessBuilder builder(String java, Map<String, String> extra, List<String> cmd) {
        return planned.builder(local, java, extra, cmd);
    }
}
