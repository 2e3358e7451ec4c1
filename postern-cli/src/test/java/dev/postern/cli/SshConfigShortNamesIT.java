package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.client.SavedContext;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.cli.ssh.OldConfigs;
import dev.postern.common.api.LoginResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short names ({@code <app>.internal}, {@code <id>.vm.<app>.internal}) are opt-in per login context, and
 * {@code <app>.<org>.internal} is never written without the context's label. An attack pass found a control plane the
 * person logged in to could name an org {@code docker} and an app {@code host}: {@code ssh config --write} wrote
 * {@code Host host.docker.internal}, and with its Include at the top of {@code ~/.ssh/config} (as docs/CLI.md advises)
 * that block came before the person's own, so {@code ssh host.docker.internal} jumped through that server's gateway and
 * trusted its host CA. Stock {@code ssh -G} shows which block wins for each name. Also: a login to another server
 * under a context's name deletes the files kept for the old one, and a name that differs from a context's only in
 * case is refused.
 */
class SshConfigShortNamesIT {
    private static final String TOKEN = "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

    @TempDir
    Path dir;
    private final List<FakeControlPlane> planes = new ArrayList<>();
    private CliRunner me;

    @AfterEach
    void stop() {
        planes.forEach(FakeControlPlane::close);
    }

    /**
     * Names others use under {@code .internal} (Docker's, EC2's, GCE's), claimed by no block of a hostile server's
     * config, short names on or off: the person's own block for the name is the one ssh takes.
     */
    @Test
    void aHostileServersOrgAndAppNeverClaimAProvidersNameWithOrWithoutShortNames() throws IOException {
        for (String[] orgApp : List.of(new String[] {"docker", "host"}, new String[] {"ec2", "ip-10-0-0-1"},
                new String[] {"google", "metadata"})) {
            String org = orgApp[0];
            String app = orgApp[1];
            me = new CliRunner(dir.resolve(org), Clock.systemUTC());
            login(serve(org, app, 6666), "evil");
            String providerName = app + "." + org + ".internal";
            for (String mode : List.of("--write", "--short-names")) {
                String out = ok(me, "ssh", "config", "--app", app, "--org", org, mode);
                Path conf = ContextFiles.sshConfig(me.posternHome(), "evil", org, app);
                Path mine = dir.resolve(org + mode + ".ssh_config");
                Files.writeString(mine, "Include " + conf + "\nHost " + providerName + "\n  HostName 127.0.0.7\n"
                        + "  User me\n");
                Map<String, String> g = SshConfigOrgsIT.sshG(mine, providerName);
                assertThat(g).as(mode + " " + providerName).containsEntry("hostname", "127.0.0.7")
                        .containsEntry("user", "me").doesNotContainKey("proxyjump").doesNotContainKey("hostkeyalias");
                assertThat(Files.readString(conf)).as(mode).doesNotContain("Host " + providerName + "\n")
                        .doesNotContainPattern(" " + Pattern.quote(providerName) + "(\\s|$)");
                assertThat(SshConfigOrgsIT.sshG(mine, providerName + ".evil")).as("the labelled name is the server's")
                        .containsEntry("proxyjump", "postern-gateway-" + org + ".evil");
                assertThat(out).doesNotContain("ssh " + providerName + " ");
            }
            // opted in, a server names what it may: its app's Fly-shaped names (docs/SECURITY.md says so)
            Path conf = ContextFiles.sshConfig(me.posternHome(), "evil", org, app);
            assertThat(SshConfigOrgsIT.sshG(conf, app + ".internal")).containsEntry("proxyjump",
                    "postern-gateway-" + org + ".evil");
            assertThat(SshConfigOrgsIT.sshG(conf, "m1.vm." + app + ".internal")).containsEntry("proxyjump",
                    "postern-gateway-" + org + ".evil");
        }
    }

    /**
     * Off by default; {@code --short-names} turns them on for the context, later writes (without the flag) and logins
     * keep them; {@code --no-short-names} takes them out of every config of the context at once.
     */
    @Test
    void shortNamesAreOffByDefaultOnWhenAskedKeptByLaterWritesAndOffAgainInEveryConfig() throws IOException {
        me = new CliRunner(dir.resolve("me"), Clock.systemUTC());
        FakeControlPlane plane = serve("acme", "web", 1001);
        plane.answer("GET /v1/orgs/acme/apps/api/machines", List.of(FakeOrgPlane.machine("api", "a1",
                "a1.vm.api.internal")));
        login(plane, "prod");
        Path web = ContextFiles.sshConfig(me.posternHome(), "prod", "acme", "web");
        Path api = ContextFiles.sshConfig(me.posternHome(), "prod", "acme", "api");

        String out = ok(me, "ssh", "config", "--app", "web", "--write");
        assertThat(out).contains("Try: ssh web.acme.internal.prod hostname",
                "Short names (web.internal, <id>.vm.web.internal) are off for login context prod");
        assertThat(Files.readString(web).lines().filter(l -> l.startsWith("Host "))).as("only labelled names")
                .allMatch(l -> l.endsWith(".prod")).contains("Host m1.vm.web.internal.prod");
        assertUnclaimed(web, "web.internal", "m1.vm.web.internal", "web.acme.internal");

        out = ok(me, "ssh", "config", "--app", "web", "--short-names");
        assertThat(out).contains("Short names are now on for login context prod", "Try: ssh web.internal hostname",
                "short names: web.internal, <id>.vm.web.internal");
        assertThat(new ConfigFile(me.posternHome()).read().find("prod").orElseThrow().shortNames()).isTrue();
        assertClaimed(web, "web.internal", "m1.vm.web.internal", "m9.vm.web.internal");
        assertUnclaimed(web, "web.acme.internal");

        ok(me, "ssh", "config", "--app", "web", "--write");
        ok(me, "ssh", "config", "--app", "api", "--org", "acme", "--write");
        login(plane, "prod");
        assertClaimed(web, "web.internal", "m1.vm.web.internal");
        assertClaimed(api, "api.internal", "a1.vm.api.internal");

        out = ok(me, "ssh", "config", "--app", "web", "--no-short-names");
        assertThat(out).contains("Short names are now off for login context prod", "Took <id>.vm.api.internal,"
                + " api.internal, *.vm.api.internal out of " + api);
        assertThat(new ConfigFile(me.posternHome()).read().find("prod").orElseThrow().shortNames()).isFalse();
        assertUnclaimed(web, "web.internal", "m1.vm.web.internal");
        assertUnclaimed(api, "api.internal", "a1.vm.api.internal");
        assertClaimed(api, "api.acme.internal.prod", "a1.vm.api.internal.prod");
    }

    /**
     * A config an older Postern wrote (short names for any context, and {@code host.docker.internal}) loses them at
     * the next login and at the next write, unless the context opted in (then only the org's name goes).
     */
    @Test
    void aConfigOfAnOlderPosternLosesTheUnlabelledNamesAtTheNextLoginOrWrite() throws IOException {
        me = new CliRunner(dir.resolve("me"), Clock.systemUTC());
        FakeControlPlane plane = serve("docker", "host", 6666);
        login(plane, "evil");
        Path conf = ContextFiles.sshConfig(me.posternHome(), "evil", "docker", "host");
        Path mine = dir.resolve("ssh_config");
        Files.writeString(mine, "Include " + conf + "\nHost host.docker.internal\n  HostName 127.0.0.7\n");
        for (List<String> next : List.of(List.of("auth", "login", "--server", plane.url(), "--name", "evil", "--token",
                TOKEN), List.of("ssh", "config", "--app", "host", "--write"))) {
            older(conf, false);
            assertThat(SshConfigOrgsIT.sshG(mine, "host.docker.internal")).as("as an older postern left it")
                    .containsEntry("proxyjump", "postern-gateway-docker.evil");
            String out = ok(me, next.toArray(String[]::new));
            assertThat(out).as(next.toString()).contains("Took host.docker.internal, <id>.vm.host.internal,"
                    + " host.internal, *.vm.host.internal out of " + conf,
                    "short names are off for login context evil");
            assertThat(SshConfigOrgsIT.sshG(mine, "host.docker.internal")).as(next.toString())
                    .containsEntry("hostname", "127.0.0.7").doesNotContainKey("proxyjump");
            assertUnclaimed(conf, "host.internal", "m1.vm.host.internal");
        }
        older(conf, false);
        ok(me, "ssh", "config", "--app", "host", "--short-names");
        assertThat(SshConfigOrgsIT.sshG(mine, "host.docker.internal")).as("opted in")
                .containsEntry("hostname", "127.0.0.7").doesNotContainKey("proxyjump");
        older(conf, true);
        assertThat(ok(me, "auth", "login", "--server", plane.url(), "--name", "evil", "--token", TOKEN))
                .contains("Took host.docker.internal, <id>.vm.host.internal out of " + conf);
        assertThat(SshConfigOrgsIT.sshG(mine, "host.docker.internal")).doesNotContainKey("proxyjump");
        assertClaimed(conf, "host.internal");
    }

    /**
     * Rewrites {@code conf} as an older Postern wrote it (short names and {@code host.docker.internal}); then short
     * names are {@code on} for the context or, as in a config.json of that Postern, which has no such field, off.
     */
    private void older(Path conf, boolean on) throws IOException {
        ConfigFile file = new ConfigFile(me.posternHome());
        SavedContext evil = file.read().find("evil").orElseThrow();
        file.write(file.read().with(evil.withShortNames(true), true));
        ok(me, "ssh", "config", "--app", "host", "--write");
        Files.writeString(conf, OldConfigs.of(Files.readString(conf), "docker", "host", List.of("m1")));
        file.write(file.read().with(evil.withShortNames(on), true));
    }

    /**
     * A login under a context's name to another server deletes what the context kept for the old one: its configs
     * would go on sending the context's names to the old gateway, trusting the old host CA. The same server keeps them.
     */
    @Test
    void aLoginToAnotherServerUnderTheSameNameDeletesTheOldServersFiles() throws IOException {
        me = new CliRunner(dir.resolve("me"), Clock.systemUTC());
        FakeControlPlane a = serve("acme", "web", 1001);
        FakeControlPlane b = serve("acme", "web", 2002);
        login(a, "prod");
        login(b, "staging");
        ok(me, "--context", "staging", "ssh", "config", "--app", "web", "--write");
        ok(me, "--context", "prod", "ssh", "config", "--app", "web", "--short-names");
        List<Path> prodFiles = ContextFiles.of(me.posternHome(), "prod");
        assertThat(prodFiles).contains(ContextFiles.sshConfig(me.posternHome(), "prod", "acme", "web"),
                ContextFiles.knownHosts(me.posternHome(), "prod", "acme"),
                ContextFiles.keptKey(me.posternHome(), "prod", "acme"));
        List<Path> stagingFiles = ContextFiles.of(me.posternHome(), "staging");

        String same = login(a, "prod");
        assertThat(same).doesNotContain("Removed");
        assertThat(prodFiles).allMatch(Files::exists);

        String other = login(b, "prod");
        assertThat(other).contains("Removed " + prodFiles.size() + " files context prod kept for " + a.url());
        assertThat(prodFiles).noneMatch(Files::exists);
        assertThat(stagingFiles).as("another context's").isNotEmpty().allMatch(Files::exists);
        assertThat(new ConfigFile(me.posternHome()).read().find("prod").orElseThrow().shortNames())
                .as("the old server's setting").isFalse();
    }

    /** {@code Prod} and {@code prod} would share files on a case-insensitive file system: refused, token unspent. */
    @Test
    void aContextNameThatDiffersFromAnotherOnlyInCaseIsRefused() {
        me = new CliRunner(dir.resolve("me"), Clock.systemUTC());
        login(serve("acme", "web", 1001), "prod");
        FakeControlPlane b = serve("acme", "web", 2002);
        CliRunner.Result r = me.run("auth", "login", "--server", b.url(), "--name", "Prod", "--token", TOKEN);
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("login context 'Prod' differs from your context 'prod' only in case",
                "case-insensitive file system", "--name prod");
        assertThat(b.requests()).doesNotContain("POST /v1/auth/login");
        assertThat(new ConfigFile(me.posternHome()).read().names()).containsExactly("prod");
    }

    /**
     * A name that differs from a saved one's in more than case but is written the same in file names: {@code cp:7070}'s
     * files are {@code id_cp_7070-<hash>_<org>}, ..., and a context named {@code cp_7070-<hash>} (no character to
     * replace, so no hash of its own) had exactly the same ones. Its login, {@code ssh config --write} and logout
     * replaced and deleted the other context's keys, configs and known_hosts. Refused before the token is spent.
     */
    @Test
    void aContextNameWrittenInFileNamesAsAnothersIsRefused() throws IOException {
        me = new CliRunner(dir.resolve("me"), Clock.systemUTC());
        login(serve("acme", "web", 1001), "cp:7070");
        ok(me, "ssh", "config", "--app", "web", "--write");
        List<Path> files = ContextFiles.of(me.posternHome(), "cp:7070");
        String kept = ContextFiles.keptKey(me.posternHome(), "cp:7070", "acme").getFileName().toString();
        String twin = kept.substring("id_".length(), kept.length() - "_acme".length());
        assertThat(twin).startsWith("cp_7070-");
        FakeControlPlane b = serve("acme", "web", 2002);
        for (String name : List.of(twin, twin.toUpperCase(java.util.Locale.ROOT))) {
            CliRunner.Result r = me.run("auth", "login", "--server", b.url(), "--name", name, "--token", TOKEN);
            assertThat(r.exit()).as(name + ": " + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("login context '" + name + "' would keep its files under the names of your"
                    + " context 'cp:7070'", "choose another --name");
        }
        assertThat(b.requests()).doesNotContain("POST /v1/auth/login");
        assertThat(new ConfigFile(me.posternHome()).read().names()).containsExactly("cp:7070");
        assertThat(files).isNotEmpty().allMatch(Files::exists);
    }

    /**
     * A config of Postern before round 7 (named by org and app, no login context in its first line) holds
     * {@code <app>.<org>.internal} for whichever server wrote it: {@code host.docker.internal} for an org docker with an
     * app host. The next login removes it, as does a {@code --write} before it asks the server anything.
     */
    @Test
    void aConfigOfPosternBeforeRound7IsRemovedAtTheNextLoginAndBeforeAWriteFetches() throws IOException {
        me = new CliRunner(dir.resolve("me"), Clock.systemUTC());
        FakeControlPlane plane = serve("acme", "web", 1001);
        login(plane, "prod");
        Path ssh = me.posternHome().resolve("ssh");
        Path oldConf = ssh.resolve("docker-host.conf");
        Path oldKnown = ssh.resolve("known_hosts_docker");
        Path mine = dir.resolve("ssh_config");
        Files.writeString(mine, "Include " + oldConf + "\nHost host.docker.internal\n  HostName 127.0.0.7\n");
        for (List<String> next : List.of(List.of("auth", "login", "--server", plane.url(), "--name", "prod", "--token",
                TOKEN), List.of("ssh", "config", "--app", "nowhere", "--org", "acme", "--write"))) {
            Files.createDirectories(ssh);
            Files.writeString(oldConf, "# Postern: machines of app host in org docker (written by 'postern ssh config"
                    + " --app host --org docker')\nHost postern-gateway-docker\n  HostName 127.0.0.1\n  Port 6666\n"
                    + "  HostKeyAlias postern-gateway-docker\n  UserKnownHostsFile " + oldKnown + "\n\n"
                    + "# any machine of app host in org docker\nHost host.docker.internal\n  HostName host.internal\n"
                    + "  ProxyJump postern-gateway-docker\n  UserKnownHostsFile " + oldKnown + "\n");
            Files.writeString(oldKnown, "# Postern: org docker; machines prove themselves with host certificates of the"
                    + " org's host CA\n");
            assertThat(SshConfigOrgsIT.sshG(mine, "host.docker.internal")).as("as an older postern left it")
                    .containsEntry("proxyjump", "postern-gateway-docker");
            CliRunner.Result r = me.run(next.toArray(String[]::new));
            assertThat(r.out()).as(next + ": " + r).contains("Removed " + oldConf + ", written by an older postern",
                    "Removed " + oldKnown);
            assertThat(oldConf).as(next.toString()).doesNotExist();
            assertThat(oldKnown).as(next.toString()).doesNotExist();
            assertThat(SshConfigOrgsIT.sshG(mine, "host.docker.internal")).as(next.toString())
                    .containsEntry("hostname", "127.0.0.7").doesNotContainKey("proxyjump");
        }
    }

    private FakeControlPlane serve(String org, String app, int gatewayPort) {
        FakeControlPlane plane = new FakeControlPlane();
        planes.add(plane);
        FakeOrgPlane.serve(plane, org, app, "alice@example.com", "127.0.0.1:" + gatewayPort, List.of("m1"));
        plane.answer("POST /v1/auth/login", new LoginResponse("alice@example.com", TOKEN,
                Instant.now().plusSeconds(3600)));
        return plane;
    }

    private String login(FakeControlPlane plane, String name) {
        return ok(me, "auth", "login", "--server", plane.url(), "--name", name, "--token", TOKEN);
    }

    /** Each of {@code names} is {@code conf}'s, through its gateway. */
    private static void assertClaimed(Path conf, String... names) {
        for (String name : names) {
            assertThat(SshConfigOrgsIT.sshG(conf, name)).as(name).containsKey("proxyjump");
        }
    }

    /** No block of {@code conf} matches any of {@code names}. */
    private static void assertUnclaimed(Path conf, String... names) {
        for (String name : names) {
            Map<String, String> g = SshConfigOrgsIT.sshG(conf, name);
            assertThat(g).as(name).doesNotContainKey("proxyjump").doesNotContainKey("certificatefile");
        }
    }
}
