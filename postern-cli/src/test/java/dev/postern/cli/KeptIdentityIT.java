package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.common.Json;
import dev.postern.common.api.CertificateView;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kept identity and the cached facts behind a fast {@code ssh console}: one certificate per login context and
 * org, reused across runs and issued again only near its end or when revoked; facts cached so that a warm run asks
 * the control plane nothing (counted at a relay in front of the API); stale or planted facts never trusted. The
 * plane runs in this JVM with one machine of app {@code demo}, all on one movable clock.
 */
class KeptIdentityIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String ME = "me@example.com";

    @TempDir
    Path dir;
    private LifecyclePlane plane;
    private InProcessMachine machine;
    private CountingRelay relay;
    private CliRunner me;
    private String context;

    @BeforeEach
    void planeWithOneMachine(TestInfo test) throws IOException {
        // MINA's client checks a certificate's validity against the real time: a test that moves the plane's clock
        // towards a certificate's end starts that clock 7h55m in the past, so every certificate it gets is valid
        // in real time too
        plane = new LifecyclePlane(dir, Duration.ofDays(7), test.getTestMethod().orElseThrow().getName()
                .equals("itIsIssuedAgainOnlyNearItsEnd") ? new MutableClock(java.time.Instant.now().minus(
                        Duration.ofHours(7).plusMinutes(55))) : MutableClock.atWallTime());
        machine = plane.machine("m1");
        relay = CountingRelay.to(plane.plane.baseUrl());
        me = login(ME, "admin", relay.url());
        context = "127.0.0.1:" + relay.url().replaceAll(".*:", "");
    }

    @AfterEach
    void stop() throws IOException {
        if (machine != null) {
            machine.close();
        }
        if (relay != null) {
            relay.close();
        }
        plane.close();
    }

    @Test
    void theKeptCertificateServesEveryRunAndAWarmRunAsksTheControlPlaneNothing() throws IOException {
        console(me);
        assertThat(issuedTo(ME)).as("one certificate for the first run").hasSize(1);
        Path key = kept(me, "demo");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(key)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        OpenSshCertificate cert = OpenSshKeys.readCertificate(Path.of(key + "-cert.pub"));
        assertThat(Duration.ofSeconds(cert.getValidBefore() - cert.getValidAfter())).isBetween(Duration.ofHours(8),
                Duration.ofHours(8).plusMinutes(10));

        int before = relay.connections();
        for (int i = 0; i < 3; i++) {
            console(me);
        }
        assertThat(relay.connections()).as("API connections of three warm runs").isEqualTo(before);
        assertThat(issuedTo(ME)).as("still one certificate after four runs").hasSize(1);
        assertThat(me.home().resolve(".ssh/id_postern")).doesNotExist();
    }

    @Test
    void itIsIssuedAgainOnlyNearItsEnd() {
        console(me);
        java.time.Instant end = issuedTo(ME).get(0).validBefore();
        plane.clock.set(end.minus(Duration.ofMinutes(10)));
        console(me);
        assertThat(issuedTo(ME)).as("10 minutes left: kept").hasSize(1);
        plane.clock.set(end.minus(Duration.ofMinutes(4)));
        console(me);
        List<CertificateView> issued = issuedTo(ME);
        assertThat(issued).as("4 minutes left: issued again").hasSize(2);
        assertThat(issued.get(1).validBefore()).isAfter(issued.get(0).validBefore().plus(Duration.ofHours(7)));
    }

    @Test
    void aRevokedKeptCertificateIsReplacedAfterTheRefusedLogin() {
        console(me);
        long serial = issuedTo(ME).get(0).serial();
        ok(plane.admin, "ssh", "revoke", "demo", "--serial", Long.toString(serial));
        // the cached facts (and their revocation list) predate the revocation: the gateway refuses, then a new one
        CliRunner.Result r = console(me);
        assertThat(r.err()).contains("refused the login", "trying once more with a new certificate");
        assertThat(issuedTo(ME)).hasSize(2);
        assertThat(issuedTo(ME).get(1).revoked()).isFalse();
    }

    @Test
    void aRevokedDotSshCertificateIsSkippedWithOneLineSayingWhy() {
        ok(me, "ssh", "issue", "demo", "--dotssh");
        long serial = issuedTo(ME).get(0).serial();
        ok(plane.admin, "ssh", "revoke", "demo", "--serial", Long.toString(serial));
        CliRunner.Result r = console(me);
        assertThat(r.err().strip()).isEqualTo("postern: ~/.ssh/id_postern is revoked (serial " + serial + "), so it is"
                + " not used; using a new 8-hour certificate in " + kept(me, "demo"));
        assertThat(issuedTo(ME)).hasSize(2);
    }

    @Test
    void anotherOrgsKeyIsNeverUsedAndEachOrgHasItsOwnIdentityFile() throws IOException {
        CliRunner admin = plane.admin;
        ok(admin, "orgs", "create", "other");
        ok(admin, "apps", "create", "web", "--org", "other");
        ok(admin, "ssh", "establish", "other");
        ok(admin, "ssh", "issue", "other", "--dotssh");
        CliRunner.Result r = admin.run("ssh", "console", "--app", "demo", "--org", "demo", "--machine", machine.id(),
                "-C", "true");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("~/.ssh/id_postern is for org other, not demo");

        String demoConf = ok(admin, "ssh", "config", "--app", "demo", "--org", "demo");
        String otherConf = ok(admin, "ssh", "config", "--app", "web", "--org", "other");
        String adminContext = "127.0.0.1:" + plane.plane.baseUrl().replaceAll(".*:", "");
        Path demoKey = ContextFiles.keptKey(admin.posternHome(), adminContext, "demo");
        Path otherKey = ContextFiles.keptKey(admin.posternHome(), adminContext, "other");
        assertThat(demoKey).isNotEqualTo(otherKey);
        assertThat(demoConf).contains("IdentityFile " + demoKey + "\n").doesNotContain(otherKey.toString());
        assertThat(otherConf).contains("IdentityFile " + otherKey + "\n").doesNotContain(demoKey.toString());

        // demo's kept key planted where other's belongs: refused for its CA, replaced by other's own
        Files.copy(demoKey, otherKey);
        Files.copy(Path.of(demoKey + "-cert.pub"), Path.of(otherKey + "-cert.pub"));
        ok(admin, "ssh", "config", "--app", "web", "--org", "other", "--write");
        assertThat(Files.readString(Path.of(otherKey + "-cert.pub")))
                .isNotEqualTo(Files.readString(Path.of(demoKey + "-cert.pub")));
        OpenSshCertificate otherCert = OpenSshKeys.readCertificate(Path.of(otherKey + "-cert.pub"));
        assertThat(otherCert.getId()).startsWith("postern:other:");
    }

    @Test
    void aCacheOrKeyFileOthersCouldTouchIsIgnored() throws Exception {
        console(me);
        Path facts = me.posternHome().resolve("cache").toFile().listFiles()[0].toPath();
        int warm = relay.connections();
        console(me);
        assertThat(relay.connections()).isEqualTo(warm);

        Files.setPosixFilePermissions(facts, PosixFilePermissions.fromString("rw-r--r--"));
        console(me);
        assertThat(relay.connections()).as("a world-readable cache is not believed").isGreaterThan(warm);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(facts))).isEqualTo("rw-------");

        warm = relay.connections();
        Files.setAttribute(facts, "unix:uid", 1);
        console(me);
        assertThat(relay.connections()).as("a cache owned by another user is not believed").isGreaterThan(warm);

        Path key = kept(me, "demo");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        console(me);
        assertThat(issuedTo(ME)).as("a readable kept key is not used; a new one is made").hasSize(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void aCacheOfAnotherServerALinkedCacheOrOneFilingAnOrgUnderAnotherNameIsNotBelieved() throws Exception {
        console(me);
        Path facts = me.posternHome().resolve("cache").toFile().listFiles()[0].toPath();
        String real = Files.readString(facts);
        String bogusKey = OpenSshKeys.toLine(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());

        // written while this context name was logged in to another server: every fact (here the gateway key) is
        // that server's; a run that believed it would fail the gateway's key check and then fetch again
        ObjectNode root = (ObjectNode) Json.mapper().readTree(real);
        root.put("server", "https://other.example:7070");
        ((ObjectNode) root.get("orgs").get("demo")).put("gatewayHostKey", bogusKey);
        Files.write(facts, Json.mapper().writeValueAsBytes(root));
        int before = relay.connections();
        CliRunner.Result r = console(me);
        assertThat(relay.connections()).as("another server's cache is not used").isGreaterThan(before);
        assertThat(r.err()).doesNotContain("refused", "trying once more");

        // a link to a sound-looking file elsewhere (another user's, or this user's own copy) is not followed
        Path elsewhere = dir.resolve("planted.json");
        Files.writeString(elsewhere, Files.readString(facts));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
        Files.delete(facts);
        Files.createSymbolicLink(facts, elsewhere);
        before = relay.connections();
        console(me);
        assertThat(relay.connections()).as("a linked cache is not used").isGreaterThan(before);
        assertThat(facts).isRegularFile();
        assertThat(Files.isSymbolicLink(facts)).isFalse();

        // demo's name filing facts that say they are another org's: never used for demo
        root = (ObjectNode) Json.mapper().readTree(facts.toFile());
        ((ObjectNode) root.get("orgs").get("demo")).put("org", "other").put("gatewayHostKey", bogusKey);
        Files.write(facts, Json.mapper().writeValueAsBytes(root));
        before = relay.connections();
        r = console(me);
        assertThat(relay.connections()).as("facts filed under another org's name are not used").isGreaterThan(before);
        assertThat(r.err()).doesNotContain("refused", "trying once more");
        assertThat(ContextFiles.keptKey(me.posternHome(), context, "other")).doesNotExist();
        assertThat(issuedTo(ME)).hasSize(1);
    }

    @Test
    void aStaleCachedGatewayKeyOrHostCaIsFetchedAgainAndTheRunSucceeds() throws Exception {
        console(me);
        Path facts = me.posternHome().resolve("cache").toFile().listFiles()[0].toPath();
        String real = Files.readString(facts);
        for (String field : List.of("gatewayHostKey", "hostCa")) {
            ObjectNode root = (ObjectNode) Json.mapper().readTree(real);
            ((ObjectNode) root.get("orgs").get("demo")).put(field, OpenSshKeys.toLine(
                    KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic()));
            Files.write(facts, Json.mapper().writeValueAsBytes(root));
            int before = relay.connections();
            console(me);
            assertThat(relay.connections()).as("fetched again after a stale " + field).isGreaterThan(before);
            assertThat(Json.mapper().readTree(facts.toFile()).get("orgs").get("demo").get(field).asText())
                    .isEqualTo(Json.mapper().readTree(real).get("orgs").get("demo").get(field).asText());
        }
        assertThat(issuedTo(ME)).as("stale facts are no reason for a new certificate").hasSize(1);
    }

    @Test
    void logoutRemovesTheContextsKeptKeysAndCachedFactsAndNoOtherContexts() throws IOException {
        console(me);
        Path key = kept(me, "demo");
        Path cert = Path.of(key + "-cert.pub");
        Path facts = me.posternHome().resolve("cache").resolve(key.getFileName().toString()
                .replaceAll("^id_(.*)_demo$", "facts_$1.json"));
        assertThat(facts).exists();
        // another context's files, whose name starts like this one's: logging out of this context leaves them
        Path other = ContextFiles.keptKey(me.posternHome(), context + "_x", "demo");
        Path plain = key.resolveSibling(key.getFileName() + ".bak");
        Files.writeString(other, "other");
        Files.writeString(plain, "not a kept key of this context's org");
        // the console left a plan for the launcher (POSTERN_CONTEXT unset: c= is empty), and another context has one
        Path plans = dev.postern.cli.connect.PlanFiles.dir(me.posternHome());
        Path plan = plans.resolve("plan,c=,o=,a=demo,m=" + machine.id() + ",u=");
        List<Path> planFiles = List.of(plan, Path.of(plan + ".conf"), Path.of(plan + ".known_hosts"));
        assertThat(planFiles).allMatch(Files::isRegularFile);
        Path otherPlan = plans.resolve("plan,c=,o=,a=web,m=,u=");
        Files.writeString(otherPlan, Files.readString(plan).replace("\ncontext " + context + "\n",
                "\ncontext " + context + "_x\n"));
        assertThat(Files.readString(otherPlan)).contains("context " + context + "_x\n");
        Path otherConf = Files.copy(Path.of(plan + ".conf"), Path.of(otherPlan + ".conf"));
        long serial = issuedTo(ME).get(0).serial();
        assertThat(issuedTo(ME).get(0).revoked()).isFalse();
        String out = ok(me, "auth", "logout");
        assertThat(out).contains("revoked its kept certificates: demo serial " + serial);
        // a copy of the files (a backup, a synced home) logged in for 8 hours: the certificate is revoked now
        assertThat(issuedTo(ME)).singleElement().extracting(CertificateView::revoked).isEqualTo(true);
        // before: the 8-hour key and certificate stayed after logout, usable by stock ssh (and the launcher's plan)
        assertThat(key).as("the kept private key after logout").doesNotExist();
        assertThat(cert).as("its certificate").doesNotExist();
        assertThat(facts).as("the cached facts").doesNotExist();
        assertThat(other).exists();
        assertThat(plain).exists();
        // before: plans piled up in ssh/console, one per selectors, after every logout
        assertThat(planFiles).as("the context's plan and its config and known_hosts").noneMatch(Files::exists);
        assertThat(otherPlan).as("another context's plan").exists();
        assertThat(otherConf).exists();
    }

    /**
     * A member may revoke only their own certificates: a kept certificate file planted under a member's context with
     * someone else's serial is not revoked at their logout (the server refuses), and the logout says so and still
     * happens.
     */
    @Test
    void aMembersLogoutRevokesTheirOwnKeptCertificateAndNobodyElses() throws IOException {
        CliRunner bob = login("bob@example.com", "member", plane.plane.baseUrl());
        console(me); // the admin's kept certificate: not bob's to revoke
        long admins = issuedTo(ME).get(0).serial();
        String bobContext = "127.0.0.1:" + plane.plane.baseUrl().replaceAll(".*:", "");
        Path planted = Path.of(ContextFiles.keptKey(bob.posternHome(), bobContext, "demo") + "-cert.pub");
        Files.createDirectories(planted.getParent());
        Files.copy(Path.of(kept(me, "demo") + "-cert.pub"), planted);
        CliRunner.Result r = bob.run("auth", "logout");
        assertThat(r.exit()).as(r.toString()).isZero();
        // not bob's key's certificate: never sent to be revoked (an admin's logout would revoke it; ContextFilesTest)
        assertThat(r.err()).doesNotContain("serial " + admins);
        assertThat(issuedTo(ME).get(0).revoked()).as("the admin's certificate").isFalse();
        assertThat(planted).doesNotExist();
    }

    @Test
    void aMemberWhoLostTheirGrantOrTheOrgIsRefusedWithTheServersReasonDespiteAWarmCache() {
        String login = localUser("pgone");
        try {
            CliRunner bob = login("bob@example.com", "member", plane.plane.baseUrl());
            ok(plane.admin, "members", "set", "--org", "demo", "--email", "bob@example.com", "--login", login);
            ok(plane.admin, "access", "grant", "--org", "demo", "--app", "demo", "--email", "bob@example.com",
                    "--logins", login);
            console(bob); // a kept certificate for app demo, and facts cached for 5 minutes
            ok(plane.admin, "access", "revoke", "--org", "demo", "--app", "demo", "--email", "bob@example.com");
            CliRunner.Result lost = bob.run("ssh", "console", "--app", "demo", "--machine", machine.id(), "-C", "true");
            assertThat(lost.exit()).as(lost.toString()).isNotZero();
            assertThat(lost.err()).as("the server's own reason").contains("no access grant");
            assertThat(lost.out()).isEmpty();

            ok(plane.admin, "access", "grant", "--org", "demo", "--app", "demo", "--email", "bob@example.com",
                    "--logins", login);
            console(bob);
            ok(plane.admin, "members", "remove", "--org", "demo", "--email", "bob@example.com");
            CliRunner.Result gone = bob.run("ssh", "console", "--app", "demo", "--machine", machine.id(), "-C", "true");
            assertThat(gone.exit()).as(gone.toString()).isNotZero();
            // removal from their only org ends their API session too: that is what they are told after the
            // gateway refused the kept (now revoked) certificate, never a stack trace or a silent retry loop
            assertThat(gone.err()).as(gone.toString()).contains("refused the login", "the API token is not valid");
            assertThat(gone.out()).isEmpty();
            assertThat(issuedTo("bob@example.com")).as("every certificate of the removed member is revoked")
                    .allMatch(CertificateView::revoked);
        } finally {
            Processes.run(T, List.of("userdel", login));
        }
    }

    @Test
    void aMembersSshConfigHasTheirLoginAndStockSshWorks() {
        String login = localUser("pkept");
        try {
            CliRunner bob = login("bob@example.com", "member", plane.plane.baseUrl());
            ok(plane.admin, "members", "set", "--org", "demo", "--email", "bob@example.com", "--login", login);
            CliRunner.Result noGrant = bob.run("ssh", "config", "--app", "demo", "--org", "demo", "--write");
            assertThat(noGrant.exit()).as(noGrant.toString()).isNotZero();
            assertThat(noGrant.err()).as("the server's own reason").contains("no access grant", "postern access grant");
            ok(plane.admin, "access", "grant", "--org", "demo", "--app", "demo", "--email", "bob@example.com",
                    "--logins", login);
            ok(bob, "ssh", "config", "--app", "demo", "--org", "demo", "--write");
            Path conf = bob.sshConfig("demo", "demo");
            String text = read(conf);
            assertThat(text).contains("  User " + login + "\n").doesNotContain("User root");
            ProcessResult ssh = Processes.run(T, List.of("ssh", "-F", conf.toString(),
                    machine.id() + ".vm.demo.internal." + ContextFiles.label(bob.context()), "id -un"));
            assertThat(ssh.exitCode()).as(ssh.toString()).isZero();
            assertThat(ssh.stdout()).isEqualTo(login + "\n");
        } finally {
            Processes.run(T, List.of("userdel", login));
        }
    }

    /**
     * Consoles and {@code ssh config --write} started at the same moment while the kept certificate is missing: one
     * of them issues it, the others wait and use that pair, and the key on disk is always the certificate's key (as
     * ssh-keygen reads it, and stock ssh logs in with it). Before the lock each issued its own and the last key and the
     * last certificate written could be different commands'. Links planted at the kept files' and the lock's names,
     * owned by another user, are replaced, never followed. Threads of this JVM here; processes in the next test.
     */
    @Test
    void commandsStartedTogetherIssueOnceAndLeaveAMatchingPairNeverFollowingPlantedLinks() throws Exception {
        console(me);
        for (int round = 0; round < 3; round++) {
            together("round " + round, 4, true, args -> {
                CliRunner.Result r = me.run(args);
                return new Ran(r.exit(), r.toString());
            });
        }
        Path conf = me.sshConfig("demo", "demo");
        ProcessResult ssh = Processes.run(T, List.of("ssh", "-F", conf.toString(), machine.id() + ".vm.demo.internal."
                + ContextFiles.label(me.context()), "true"));
        assertThat(ssh.exitCode()).as("stock ssh with the pair left: " + ssh).isZero();
    }

    /**
     * As above with a JVM per console: the OS file lock, not this JVM's own, keeps them apart. The facts are cached, so
     * each console's only request is the issuance; the relay lets those through only together, so without the lock
     * three consoles each issue one (and pass the relay at once); with it one asks, and the others use its pair.
     */
    @Test
    void processesStartedTogetherIssueOnceAndLeaveAMatchingPair() throws Exception {
        console(me);
        java.util.Map<String, String> env = java.util.Map.of("HOME", me.home().toString(), "POSTERN_HOME",
                me.posternHome().toString());
        relay.holdTogether(3, Duration.ofSeconds(8));
        together("processes", 3, false, args -> {
            ProcessResult r = Processes.run(Duration.ofSeconds(90), HostCli.java(List.of("-XX:TieredStopAtLevel=1",
                    "-Xmx128m"), args), null, env, null);
            return new Ran(r.exitCode(), r.toString());
        });
    }

    /**
     * A lock file that was ever open to others (0644, while its directories could be searched) can be opened by
     * another user then, and a read lock on that descriptor outlives any chmod: every later issuance waited for it
     * forever. A lock that others could open is made anew (another inode), so theirs holds nothing.
     */
    @Test
    void aLockFileAnotherUserOpenedWhileItWasReadableHoldsNothing() throws Exception {
        console(me);
        Path key = kept(me, "demo");
        Path lock = Path.of(key + ".lock");
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));
        String other = localUser("plock");
        java.util.Map<Path, java.util.Set<java.nio.file.attribute.PosixFilePermission>> modes =
                new java.util.LinkedHashMap<>();
        // only the test's own directories: above them (/tmp) others may search already, and a chmod through
        // PosixFilePermission would drop /tmp's sticky bit (it did: every later test that judged /tmp failed)
        for (Path p = key.getParent(); p != null && p.startsWith(dir); p = p.getParent()) {
            var mode = Files.getPosixFilePermissions(p);
            modes.put(p, mode);
            var searchable = java.util.EnumSet.copyOf(mode);
            searchable.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, searchable);
        }
        Process holder;
        try {
            holder = holdLock(lock, List.of("runuser", "-u", other, "--"), "LOCK_SH");
        } finally {
            modes.forEach((p, mode) -> {
                try {
                    Files.setPosixFilePermissions(p, mode); // the descriptor opened stays open
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        try {
            Files.delete(Path.of(key + "-cert.pub"));
            CliRunner.Result r = bounded(() -> console(me));
            assertThat(r.err()).doesNotContain("held");
            assertThat(issuedTo(ME)).as("a new certificate despite the other user's lock").hasSize(2);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock))).isEqualTo("rw-------");
        } finally {
            holder.destroyForcibly();
            Processes.run(T, List.of("userdel", other));
        }
    }

    /**
     * A lock that another process (here one of this user's, as a stopped console would be) holds and never lets go:
     * the command fails after a bound, naming the lock file and how to find its holder, instead of hanging.
     */
    @Test
    void aLockHeldForeverFailsTheCommandAfterABoundNamingTheLock() throws Exception {
        console(me);
        Path key = kept(me, "demo");
        Path lock = Path.of(key + ".lock");
        Process holder = holdLock(lock, List.of(), "LOCK_EX");
        try {
            Files.delete(Path.of(key + "-cert.pub"));
            CliRunner.Result r = bounded(() -> me.run("ssh", "console", "--app", "demo", "--machine", machine.id(),
                    "-C", "true"));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("another process has held " + lock).contains("fuser -v " + lock);
            assertThat(issuedTo(ME)).as("nothing issued while the lock was held").hasSize(1);
        } finally {
            holder.destroyForcibly();
        }
    }

    /**
     * In a directory others may write, anyone could put their own file (or a FIFO, whose open blocks) at the lock's
     * or the certificate's name between a check and an open: nothing is kept or locked there. A console uses a fresh
     * identity and says why; ssh config --write, whose config names the kept files, refuses with the fix.
     */
    @Test
    void nothingIsKeptOrLockedInADirectoryOthersMayWrite() throws Exception {
        console(me);
        Path key = kept(me, "demo");
        Path lock = Path.of(key + ".lock");
        Files.delete(lock);
        String before = Files.readString(key);
        var mode = Files.getPosixFilePermissions(key.getParent());
        Files.setPosixFilePermissions(key.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            CliRunner.Result r = console(me);
            assertThat(r.err()).contains("not keeping a key in " + key.getParent()).contains("chmod 700");
            assertThat(lock).doesNotExist();
            assertThat(Files.readString(key)).as("the kept key is not rewritten").isEqualTo(before);
            CliRunner.Result config = me.run("ssh", "config", "--app", "demo", "--write");
            assertThat(config.exit()).as(config.toString()).isEqualTo(1);
            assertThat(config.err()).contains("will not keep a key in " + key.getParent())
                    .contains("chmod 700 " + key.getParent());
        } finally {
            Files.setPosixFilePermissions(key.getParent(), mode);
        }
        console(me);
    }

    /** Runs {@code command} on another thread, failing the test when it has not ended within two minutes. */
    private static CliRunner.Result bounded(java.util.concurrent.Callable<CliRunner.Result> command) throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            return one.submit(command).get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the command still waits after two minutes", e);
        } finally {
            one.shutdownNow();
        }
    }

    /** A process ({@code as} prefixes its command) holding an fcntl lock on {@code lock} until destroyed. */
    private static Process holdLock(Path lock, List<String> as, String kind) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(as);
        cmd.addAll(List.of("/usr/bin/python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'rb' if sys.argv[2] == 'LOCK_SH' else 'r+b')\n"
                + "fcntl.lockf(f, getattr(fcntl, sys.argv[2]))\nprint('held', flush=True)\ntime.sleep(600)\n",
                lock.toString(), kind));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        assertThat(first).as("the lock holder " + cmd).isEqualTo("held");
        return p;
    }

    private record Ran(int exit, String text) {
    }

    private interface Command {
        Ran run(String... args) throws Exception;
    }

    /**
     * Plants links (another user's) at the kept files' names, starts {@code count} commands at once (consoles, and
     * {@code withConfig} every other one {@code ssh config --write}) and checks what they leave: one new certificate, a matching 0600 pair,
     * no link followed.
     */
    private void together(String what, int count, boolean withConfig, Command command) throws Exception {
        Path key = kept(me, "demo");
        Path cert = Path.of(key + "-cert.pub");
        Path lock = Path.of(key + ".lock");
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "not yours\n");
        Files.setAttribute(victim, "unix:uid", 1);
        for (Path p : List.of(key, cert, lock)) {
            Files.deleteIfExists(p);
            Files.createSymbolicLink(p, victim);
            Files.setAttribute(p, "unix:uid", 1, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        int before = issuedTo(ME).size();
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CyclicBarrier start = new CyclicBarrier(count);
            List<Future<Ran>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                String[] args = i % 2 == 0 || !withConfig
                        ? new String[] {"ssh", "console", "--app", "demo", "--machine", machine.id(), "-C", "true"}
                        : new String[] {"ssh", "config", "--app", "demo", "--write"};
                runs.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return command.run(args);
                }));
            }
            for (Future<Ran> run : runs) {
                Ran r = run.get(2, TimeUnit.MINUTES);
                assertThat(r.exit()).as(what + ": " + r.text()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(issuedTo(ME)).as(what + ": one new certificate for " + count + " commands").hasSize(before + 1);
        assertThat(Files.readString(victim)).isEqualTo("not yours\n");
        for (Path p : List.of(key, cert, lock)) {
            assertThat(Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as(p.toString()).isTrue();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cert))).isEqualTo("rw-r--r--");
        ProcessResult pub = Processes.run(T, List.of("ssh-keygen", "-y", "-f", key.toString()));
        assertThat(pub.exitCode()).as(pub.toString()).isZero();
        assertThat(pub.stdout().strip()).as(what + ": the key beside the certificate is its key")
                .startsWith(OpenSshKeys.toLine(OpenSshKeys.readCertificate(cert).getCertPubKey()));
    }

    /** A new local user (no password, no home of its own) named {@code prefix} + this JVM's pid; userdel it after. */
    private static String localUser(String prefix) {
        String login = prefix + ProcessHandle.current().pid();
        Processes.run(T, List.of("userdel", login));
        ProcessResult add = Processes.run(T, List.of("useradd", "--no-create-home", "--home-dir", "/tmp", "--shell",
                "/bin/sh", "--password", "*", login));
        assertThat(add.exitCode()).as(add.toString()).isZero();
        return login;
    }

    private CliRunner login(String email, String role, String server) {
        String invite = ok(plane.admin, "members", "add", "--org", "demo", "--email", email, "--role", role);
        CliRunner cli = new CliRunner(dir.resolve(email.replaceAll("@.*", "")), plane.clock);
        ok(cli, "auth", "login", "--server", server, "--token", invite.replaceAll("(?s).*?(pst_[A-Za-z0-9_-]+).*", "$1"));
        return cli;
    }

    private CliRunner.Result console(CliRunner who) {
        CliRunner.Result r = who.run("ssh", "console", "--app", "demo", "--machine", machine.id(), "-C", "true");
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private Path kept(CliRunner who, String org) {
        Path key = ContextFiles.keptKey(who.posternHome(), context, org);
        assertThat(key).exists();
        return key;
    }

    private List<CertificateView> issuedTo(String email) {
        return Plane.log(plane.admin, "demo").stream().filter(c -> c.email().equals(email))
                .sorted(java.util.Comparator.comparingLong(CertificateView::serial)).toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
