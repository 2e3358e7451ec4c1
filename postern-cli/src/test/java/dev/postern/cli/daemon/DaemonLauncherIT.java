package dev.postern.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.CliRunner;
import dev.postern.cli.LauncherCheckout;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.server.tls.TlsSettings;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI daemon through the real {@code postern} launcher (a checkout laid out by {@link LauncherCheckout}) against
 * an HTTPS control plane: the second {@code machines list} is the daemon's and prints exactly what a fresh JVM
 * prints; logins, context switches and log-outs between requests are honoured; a stale client falls back and the
 * daemon exits; and the local boundary: a socket or directory that is not the person's own 0700 is never used, a peer
 * of another uid is refused by the daemon, a daemon that never accepts or drops the connection after accepting
 * neither runs a command twice nor hangs it.
 */
class DaemonLauncherIT {
    private static final Duration T = Duration.ofSeconds(120);
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    @TempDir
    Path dir;
    private ControlPlane plane;
    private Path script;
    private CliRunner admin;
    private final List<Long> daemons = new ArrayList<>();

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void planeAndLauncher() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        plane = ControlPlane.start(new ControlPlaneConfig(dir.resolve("server"), null, "127.0.0.1", port,
                Clock.systemUTC(), null, "admin@example.com", "127.0.0.1", 0, null, "https://localhost:" + port,
                TlsSettings.selfSigned()));
        script = LauncherCheckout.create(dir);
        // the empty archives a failed training leaves, newer than the jar: no launcher trains one in this test
        Path target = script.resolveSibling("postern-cli/target");
        for (String name : List.of("postern-client-jdk17.jsa", "postern-client-jdk21.jsa", "postern-client-jdk25.aot",
                "postern-api-jdk25.aot", "postern-thin-jdk17.jsa", "postern-thin-jdk21.jsa", "postern-thin-jdk25.aot")) {
            Files.write(target.resolve(name), new byte[0]);
            Files.setLastModifiedTime(target.resolve(name), FileTime.from(Instant.now().plusSeconds(3600)));
        }
        admin = new CliRunner(dir.resolve("home"), Clock.systemUTC());
        ok(admin, "auth", "login", "--server", plane.baseUrl(), "--token", plane.bootstrapToken().orElseThrow(),
                "--fingerprint", plane.fingerprint().orElseThrow().value(), "--name", "admin");
        ok(admin, "orgs", "create", "acme");
        ok(admin, "apps", "create", "web", "--org", "acme");
    }

    @AfterEach
    void stopDaemonsAndPlane() throws IOException {
        RunDir run = run();
        if (Files.isDirectory(run.dir())) {
            Files.setPosixFilePermissions(run.dir(), PosixFilePermissions.fromString("rwx------"));
        }
        new DaemonClient(run).stop();
        for (long pid : daemons) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        if (plane != null) {
            plane.close();
        }
    }

    private RunDir run() {
        return new RunDir(admin.posternHome().resolve("run"));
    }

    private static String ok(CliRunner cli, String... args) {
        CliRunner.Result r = cli.run(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
        return r.out();
    }

    /** The launcher with {@code extra} variables (a null value unsets one). */
    private Run launcher(Map<String, String> extra, String... args) throws Exception {
        return launcher(null, T, extra, args);
    }

    /** As above, in working directory {@code cwd} (null: this one), given {@code limit} to end. */
    private Run launcher(Path cwd, Duration limit, Map<String, String> extra, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(script.toString()));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", "");
        Path err = Files.createTempFile(dir, "err", "");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Map<String, String> env = pb.environment();
        for (String v : List.of("POSTERN_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS",
                "POSTERN_DAEMON", "POSTERN_JAVA", "POSTERN_CONTEXT", "POSTERN_ORG")) {
            env.remove(v);
        }
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("HOME", admin.home().toString());
        env.put("POSTERN_HOME", admin.posternHome().toString());
        env.put("POSTERN_DAEMON_IDLE", "120");
        extra.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        Process p = pb.start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher " + String.join(" ", args) + " did not end in " + limit);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Run cold(String... args) throws Exception {
        return launcher(Map.of("POSTERN_DAEMON", "0"), args);
    }

    private Run warm(String... args) throws Exception {
        return launcher(Map.of(), args);
    }

    /** Waits (bounded) until a daemon answers on the socket; returns its status. */
    private DaemonStatus awaitDaemon() throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            var status = new DaemonClient(run()).status();
            if (status.isPresent()) {
                daemons.add(status.get().number("pid"));
                return status.get();
            }
            assertThat(System.nanoTime()).as("a daemon answers on " + run().socket()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private String log() throws IOException {
        return Files.readString(run().log());
    }

    @Test
    void theSecondListIsTheDaemonsAndPrintsWhatAFreshJvmPrints() throws Exception {
        Run first = warm("machines", "list", "--app", "web");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).contains("No machines in app web yet");
        awaitDaemon();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run().dir()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run().log()))).isEqualTo("rw-------");

        List<List<String>> commands = List.of(List.of("machines", "list", "--app", "web"),
                List.of("machines", "list", "--app", "wbe"), List.of("machines", "list", "--app", "web", "--json"),
                List.of("orgs", "list", "--json"), List.of("apps", "list", "--org", "acme"));
        int served = 0;
        for (List<String> command : commands) {
            String[] args = command.toArray(String[]::new);
            Run jvm = cold(args);
            Run daemon = warm(args);
            served++;
            assertThat(daemon).as(String.join(" ", command)).isEqualTo(jvm);
            assertThat(log()).as("the daemon served " + command).contains("request " + served + ": "
                    + command.get(0) + " " + command.get(1) + " exit " + jvm.exit());
        }
        Run unknownApp = warm("machines", "list", "--app", "wbe");
        assertThat(unknownApp.exit()).isEqualTo(2);
        assertThat(unknownApp.err()).contains("did you mean 'web'?");
        assertThat(unknownApp.out()).isEmpty();
        assertThat(new DaemonClient(run()).status().orElseThrow().number("requests")).isEqualTo(served + 1);
        assertThat(log()).as("no command option or value is logged").doesNotContain("wbe", "--json", "acme", "pst_");

        // --help is never the daemon's (the JVM path's terminal detection decides its look)
        warm("machines", "list", "--help");
        assertThat(new DaemonClient(run()).status().orElseThrow().number("requests")).isEqualTo(served + 1);

        Run status = launcher(Map.of(), "daemon", "status", "--json");
        assertThat(status.out()).contains("\"running\" : true").contains("\"requests\" : " + (served + 1));
        Run stop = launcher(Map.of(), "daemon", "stop");
        assertThat(stop.out()).contains("Stopped");
        assertThat(run().socket()).doesNotExist();
        assertThat(log()).contains("exiting: stopped ('postern daemon stop')");
    }

    @Test
    void theThinClientLoadsOnlyJavaBaseAndItsOwnClasses() throws Exception {
        warm("orgs", "list");
        awaitDaemon();
        Path classes = dir.resolve("classes.log");
        Path jar = script.resolveSibling("postern-cli/target/postern-cli-0.1.0-SNAPSHOT.jar");
        Map<String, String> env = new HashMap<>(Map.of("HOME", admin.home().toString(), "POSTERN_HOME",
                admin.posternHome().toString()));
        ProcessResult r = Processes.run(T, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load:file=" + classes, "-cp", jar.toString(), ThinClient.class.getName(), "orgs", "list"),
                null, env, dir);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("acme");
        List<String> foreign = Files.readAllLines(classes).stream().filter(l -> l.contains("class,load"))
                .filter(l -> !l.contains("source: jrt:/java.base") && !l.contains("source: jrt:/jdk.net")
                        && !l.contains("shared objects file")
                        && !l.contains(" dev.postern.cli.daemon.") && !l.contains("__JVM_LookupDefineClass__")
                        // the JDK's own lambdas, defined by the java.base class that holds them
                        && !l.matches(".* source: (java|sun|jdk\\.internal)\\.[\\w.$]+$")).toList();
        assertThat(foreign).as("classes from outside java.base and the daemon package").isEmpty();
        // and only those the thin jar holds (postern-cli/pom.xml, execution thin-client): any other would be missing
        // from it, and the launcher's thin client would fail instead of falling back
        List<String> ours = Files.readAllLines(classes).stream().filter(l -> l.contains(" dev.postern."))
                .map(l -> l.replaceAll(".* (dev\\.postern\\.\\S+) source:.*", "$1")).toList();
        assertThat(ours).isNotEmpty().allMatch(c -> c.matches(
                "dev\\.postern\\.cli\\.daemon\\.(ThinClient|Frames|DaemonRequest|RunDir|JarStamp)([$.].*)?"), "in the thin jar");
    }

    /** Waits (bounded) for the process {@code pid} to end. */
    private static void awaitGone(long pid, String what) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void theDaemonExitsWhenItsSocketIsRemovedOnSigtermAndWhenIdle() throws Exception {
        warm("orgs", "list");
        long first = awaitDaemon().number("pid");
        Files.delete(run().socket());
        awaitGone(first, "a daemon whose socket was removed exits");
        assertThat(log()).contains("exiting: its socket " + run().socket() + " was removed or replaced");

        warm("orgs", "list");
        long second = awaitDaemon().number("pid");
        ProcessHandle.of(second).orElseThrow().destroy(); // SIGTERM
        awaitGone(second, "a daemon exits on SIGTERM");
        assertThat(run().socket()).as("removed on the way out").doesNotExist();
        assertThat(log()).contains("exiting: stopped (SIGTERM)");

        launcher(Map.of("POSTERN_DAEMON_IDLE", "1"), "orgs", "list");
        long third = awaitDaemon().number("pid");
        awaitGone(third, "an idle daemon exits");
        assertThat(log()).contains("exiting: idle for 1 s");
        assertThat(run().socket()).doesNotExist();
    }

    @Test
    void loginsContextSwitchesAndLogoutsBetweenRequestsAreHonoured() throws Exception {
        String invite = ok(admin, "members", "add", "--org", "acme", "--email", "bob@example.com", "--role", "member");
        String token = invite.replaceAll("(?s).*?(pst_[A-Za-z0-9_-]+).*", "$1");
        warm("auth", "whoami");
        awaitDaemon();
        assertThat(warm("auth", "whoami").out()).startsWith("admin@example.com on ");

        ok(admin, "auth", "login", "--server", plane.baseUrl(), "--token", token, "--fingerprint",
                plane.fingerprint().orElseThrow().value(), "--name", "bob");
        Run bob = warm("auth", "whoami");
        assertThat(bob).isEqualTo(cold("auth", "whoami"));
        assertThat(bob.out()).startsWith("bob@example.com on ").contains("context bob");
        Run named = launcher(Map.of("POSTERN_CONTEXT", "admin"), "auth", "whoami");
        assertThat(named.out()).startsWith("admin@example.com on ");

        ok(admin, "auth", "use", "admin");
        assertThat(warm("auth", "whoami").out()).startsWith("admin@example.com on ");
        ok(admin, "auth", "logout");
        Run out = warm("auth", "whoami");
        assertThat(out).isEqualTo(cold("auth", "whoami"));
        assertThat(out.exit()).as(out.toString()).isNotZero();
        assertThat(log()).contains("request 5: auth whoami");
    }

    @Test
    void aClientOfAnotherJavaIsAnsweredStaleRunsTheUsualWayOnceAndTheDaemonExits() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 here");
        Assumptions.assumeTrue(Runtime.version().feature() != 25, "the test JVM is JDK 25 already");
        warm("orgs", "list");
        long old = awaitDaemon().number("pid");

        Run r = launcher(Map.of("POSTERN_JAVA", JDK25.toString()), "orgs", "list");
        assertThat(r).isEqualTo(cold("orgs", "list"));
        assertThat(r.out()).containsOnlyOnce("acme");
        long deadline = System.nanoTime() + T.toNanos();
        while (ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("the stale daemon exits").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(log()).contains("exiting: stale: a client of another jar or Java");
        // the launcher started one for the new Java
        awaitDaemon();
    }

    @Test
    void aRelativePosternHomeRunsTheUsualWayAndTheLauncherEnds() throws Exception {
        // POSTERN_HOME=.postern from the directory above it, and HOME=. with no POSTERN_HOME: the launcher once walked
        // up the relative path to reach / (safe_path, before starting a daemon) and never ended, growing without end
        Path above = admin.posternHome().getParent();
        Run expected = cold("orgs", "list");
        assertThat(expected.exit()).as(expected.toString()).isZero();
        Duration limit = Duration.ofSeconds(30);
        Path relative = above.relativize(admin.posternHome());
        assertThat(launcher(above, limit, Map.of("POSTERN_HOME", relative.toString()), "orgs", "list"))
                .isEqualTo(expected);
        Map<String, String> homeHere = new HashMap<>();
        homeHere.put("HOME", ".");
        homeHere.put("POSTERN_HOME", null);
        assertThat(launcher(above, limit, homeHere, "orgs", "list")).isEqualTo(expected);
        assertThat(run().socket()).as("no daemon for a relative home").doesNotExist();
    }

    @Test
    void aLargeAnswerThatAFreshJvmPrintsTheDaemonPrintsToo() throws Exception {
        // a control plane (hostile, or only big) answers 'orgs list' with ~30 MiB of tiny orgs (1.4 million), under
        // the CLI's 32 MiB answer limit: a fresh JVM prints them; the daemon, in its 256 MiB heap, prints the same
        StringBuilder json = new StringBuilder(31 << 20).append('[');
        for (int i = 0; json.length() < 30 << 20; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\":\"o").append(i)
                    .append("\",\"role\":\"m\"}");
        }
        byte[] answer = json.append(']').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        com.sun.net.httpserver.HttpServer big = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        big.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (var body = exchange.getResponseBody()) {
                body.write(answer);
            }
        });
        big.start();
        try {
            var config = new dev.postern.cli.client.ConfigFile(admin.posternHome());
            config.write(config.read().with(new dev.postern.cli.client.SavedContext("big",
                    "http://127.0.0.1:" + big.getAddress().getPort(), "admin@example.com", "token", null), false));
            Run expected = cold("orgs", "list", "--context", "big");
            assertThat(expected.exit()).as(expected.err()).isZero();
            warm("orgs", "list"); // starts the daemon
            awaitDaemon();
            Run served = warm("orgs", "list", "--context", "big");
            assertThat(served.exit()).as(served.err()).isZero();
            assertThat(served.out()).as("the daemon's output").isEqualTo(expected.out());
            // and the next request, of another context and server, is served as before
            Run next = warm("orgs", "list");
            assertThat(next).isEqualTo(cold("orgs", "list"));
            assertThat(log()).contains("request 1: orgs list exit 0", "request 2: orgs list exit 0");
        } finally {
            big.stop(0);
        }
    }

    @Test
    void aDaemonBusyWithASlowServersRequestIsShownRunningAndStopWaitsForIt() throws Exception {
        // a control plane that holds its answer keeps the daemon's one slot: status and stop are answered busy
        // meanwhile, which they once reported as "No CLI daemon is running ... nothing to stop"
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        com.sun.net.httpserver.HttpServer slow = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.createContext("/", exchange -> {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = "[{\"name\":\"slowco\",\"role\":\"member\"}]".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (var body = exchange.getResponseBody()) {
                body.write(answer);
            }
        });
        slow.start();
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            var config = new dev.postern.cli.client.ConfigFile(admin.posternHome());
            config.write(config.read().with(new dev.postern.cli.client.SavedContext("slow",
                    "http://127.0.0.1:" + slow.getAddress().getPort(), "admin@example.com", "token", null), false));
            warm("orgs", "list"); // starts the daemon
            long pid = awaitDaemon().number("pid");
            var held = background.submit(() -> warm("orgs", "list", "--context", "slow"));
            assertThat(entered.await(T.toSeconds(), TimeUnit.SECONDS)).as("the daemon's request reached it").isTrue();
            Run status = warm("daemon", "status");
            assertThat(status.out()).as(status + "\n" + log()).startsWith("CLI daemon running, busy with a request");
            // stop asks while the request is held (its JVM starts well within 3 s on any machine the others pass)
            var stop = background.submit(() -> warm("daemon", "stop"));
            Thread.sleep(3000);
            release.countDown();
            Run stopped = stop.get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(stopped.out()).as(stopped.toString()).isEqualTo("Stopped the CLI daemon.\n");
            Run served = held.get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(served.exit()).as(served.toString()).isZero();
            assertThat(served.out()).contains("slowco");
            awaitGone(pid, "the stopped daemon");
            assertThat(log()).contains("request 1: orgs list exit 0", "exiting: stopped ('postern daemon stop')");
        } finally {
            release.countDown();
            background.shutdownNow();
            slow.stop(0);
        }
    }

    @Test
    void aSocketOrRunDirectoryThatIsNotThePersonsOwn0700IsNeverUsed() throws Exception {
        Files.createDirectories(run().dir());
        Files.setPosixFilePermissions(run().dir(), PosixFilePermissions.fromString("rwx------"));
        Run expected = cold("orgs", "list");
        try (FakeDaemon fake = new FakeDaemon(run().socket(), FakeDaemon.Mode.DROPS)) {
            for (String mode : List.of("rwxr-xr-x", "rwx-----x", "rwxrwx---")) {
                Files.setPosixFilePermissions(run().dir(), PosixFilePermissions.fromString(mode));
                assertThat(warm("orgs", "list")).as("run/ " + mode).isEqualTo(expected);
            }
            Files.setPosixFilePermissions(run().dir(), PosixFilePermissions.fromString("rwx------"));
            // a socket of someone else's in the person's own directory
            Files.setAttribute(run().socket(), "unix:uid", 4242, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            assertThat(warm("orgs", "list")).isEqualTo(expected);
            Files.setAttribute(run().socket(), "unix:uid", RunDir.myUid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            // the directory of someone else's
            Files.setAttribute(run().dir(), "unix:uid", 4242, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            assertThat(warm("orgs", "list")).isEqualTo(expected);
            Files.setAttribute(run().dir(), "unix:uid", RunDir.myUid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            assertThat(fake.connections.get()).as("no client connected to an untrusted socket").isZero();
        }
    }

    @Test
    void aDaemonThatNeverAcceptsFallsBackAndTheCommandRunsOnce() throws Exception {
        Files.createDirectories(run().dir());
        Files.setPosixFilePermissions(run().dir(), PosixFilePermissions.fromString("rwx------"));
        Run expected = cold("orgs", "list");
        try (FakeDaemon fake = new FakeDaemon(run().socket(), FakeDaemon.Mode.SILENT)) {
            Run r = warm("orgs", "list");
            assertThat(r).isEqualTo(expected);
            assertThat(r.out()).containsOnlyOnce("acme");
            assertThat(fake.connections.get()).isEqualTo(1);
            // nor do status and stop wait for it for ever (the launcher's bound here is 2 minutes, theirs 5 s)
            for (String ask : List.of("status", "stop")) {
                Run answer = launcher(Map.of(), "daemon", ask);
                assertThat(answer.out()).as(answer.toString()).contains("No CLI daemon is running");
            }
        }
    }

    @Test
    void aDaemonThatDropsTheConnectionAfterAcceptingIsAnErrorAndTheCommandIsNotRunAgain() throws Exception {
        Files.createDirectories(run().dir());
        Files.setPosixFilePermissions(run().dir(), PosixFilePermissions.fromString("rwx------"));
        try (FakeDaemon fake = new FakeDaemon(run().socket(), FakeDaemon.Mode.DROPS)) {
            Run r = warm("orgs", "list");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).as("not run again here").isEmpty();
            assertThat(r.err()).contains("the CLI daemon stopped answering before the command ended")
                    .contains("it was not run again");
            assertThat(fake.goes.get()).isEqualTo(1);
        }
    }

    /** A new local user (no password, no home) named {@code prefix} + this JVM's pid; userdel it after. */
    private static String localUser(String prefix) {
        String user = prefix + ProcessHandle.current().pid();
        Processes.run(T, List.of("userdel", user));
        ProcessResult add = Processes.run(T, List.of("useradd", "--no-create-home", "--home-dir", "/tmp", "--shell",
                "/bin/sh", "--password", "*", user));
        assertThat(add.exitCode()).as(add.toString()).isZero();
        return user;
    }

    /**
     * The thin client's path checks pass for a socket the person owns in their own 0700 directory; a listener of
     * another uid behind it (its socket renamed in, as whoever could rename a directory above run/ could arrange) must
     * still get nothing: the client asks the kernel who listens.
     */
    @Test
    void aListenerOfAnotherUidBehindASocketThatLooksLikeThePersonsGetsNothing() throws Exception {
        Assumptions.assumeTrue(RunDir.myUid() == 0, "needs root to add a local user");
        String user = localUser("pstl");
        Process listener = null;
        try {
            Path theirs = Files.createDirectories(dir.resolve("theirs"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            Processes.run(T, List.of("chown", user, theirs.toString()));
            Path got = theirs.resolve("got");
            listener = new ProcessBuilder("runuser", "-u", user, "--", "sh", "-c", "exec socat -u UNIX-LISTEN:"
                    + theirs.resolve("sock") + ",fork OPEN:" + got + ",creat,append").start();
            long deadline = System.nanoTime() + T.toNanos();
            while (!Files.exists(theirs.resolve("sock"))) {
                assertThat(System.nanoTime()).as("the other user's listener is up").isLessThan(deadline);
                Thread.sleep(50);
            }
            Files.createDirectories(run().dir());
            Files.setPosixFilePermissions(run().dir(), PosixFilePermissions.fromString("rwx------"));
            Run expected = cold("orgs", "list");
            Files.setAttribute(theirs.resolve("sock"), "unix:uid", RunDir.myUid(),
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.move(theirs.resolve("sock"), run().socket());

            assertThat(warm("orgs", "list")).isEqualTo(expected);
            // 'daemon status' and 'stop' ask the kernel too: no request, and no word of theirs is believed
            Run status = launcher(Map.of(), "daemon", "status");
            assertThat(status.out()).as(status.toString()).contains("No CLI daemon is running");
            assertThat(got).as("the other user's listener got nothing").satisfiesAnyOf(
                    p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyFile());
        } finally {
            if (listener != null) {
                listener.descendants().forEach(ProcessHandle::destroy);
                listener.destroy();
                listener.waitFor(10, TimeUnit.SECONDS);
            }
            Processes.run(T, List.of("userdel", user));
        }
    }

    @Test
    void aPeerOfAnotherUidIsRefusedByTheDaemonEvenWhenTheDirectoryIsOpen() throws Exception {
        Assumptions.assumeTrue(RunDir.myUid() == 0, "needs root to add a local user");
        String user = localUser("pstd");
        try {
            warm("orgs", "list");
            awaitDaemon();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new DaemonRequest(DaemonRequest.VERSION, "status", "", "", "", List.of(), Map.of())
                    .write(new DataOutputStream(bytes));
            Path request = Files.write(dir.resolve("request"), bytes.toByteArray());
            // everything on the way opened up: only the daemon's own check stands
            for (Path p = run().dir(); p.startsWith(dir); p = p.getParent()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.setPosixFilePermissions(request, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(run().socket(), PosixFilePermissions.fromString("rwxrwxrwx"));
            String connect = "socat -t 5 - UNIX-CONNECT:" + run().socket() + " < " + request + " | head -c 1";

            ProcessResult mine = Processes.run(T, List.of("sh", "-c", connect));
            assertThat(mine.stdout()).as("the control: the daemon answers its own user").isEqualTo("I");
            ProcessResult theirs = Processes.run(T, List.of("runuser", "-u", user, "--", "sh", "-c", connect));
            assertThat(theirs.stdout()).as(theirs.toString()).isEmpty();
            assertThat(log()).contains("refused a connection from user " + user);
        } finally {
            Processes.run(T, List.of("userdel", user));
        }
    }
}
