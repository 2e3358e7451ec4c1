package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.client.SavedContext;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One person logged in to three control planes (login contexts), each with an org {@code demo} and an app
 * {@code demo}: two real servers with a machine each ({@code prod}, named so, and one named after its address), and a
 * hostile one that lists the first server's machine id as its own. The configs {@code ssh config --write} leaves for
 * the three are included into one ssh config in several orders: stock {@code ssh -G} shows that every name resolves
 * to its own context's gateway, key, certificate and known_hosts, and that no name without a context is left for two
 * of them to claim; stock ssh logs in to both real machines (each gateway and agent trusts only its own server's user
 * CA, so a wrong key or gateway is refused). Before round 7 the three wrote one {@code demo-demo.conf} and one
 * {@code known_hosts_demo} between them and shared the alias {@code postern-gateway-demo}.
 */
class SshConfigContextsIT {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private final List<AutoCloseable> open = new ArrayList<>();
    private CliRunner me;
    private String b;
    private String hostile;
    private String idA;
    private String idB;

    @BeforeEach
    void threeContextsWithTheSameOrgAndApp() {
        me = new CliRunner(dir.resolve("me"), clock);
        ControlPlane a = start("a");
        ControlPlane planeB = start("b");
        ok(me, "auth", "login", "--server", a.baseUrl(), "--name", "prod", "--token", a.bootstrapToken().orElseThrow());
        ok(me, "auth", "login", "--server", planeB.baseUrl(), "--token", planeB.bootstrapToken().orElseThrow());
        b = me.context();
        idA = orgAppAndMachine("prod", a, "machine-a");
        idB = orgAppAndMachine(b, planeB, "machine-b");

        FakeControlPlane fake = new FakeControlPlane();
        open.add(fake);
        FakeOrgPlane.serve(fake, "demo", "demo", "admin@localhost", "127.0.0.1:9", List.of(idA));
        hostile = "127.0.0.1:" + fake.port();
        ConfigFile file = new ConfigFile(me.posternHome());
        file.write(file.read().with(new SavedContext(hostile, fake.url(), "admin@localhost",
                "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", null, null), false));
    }

    private ControlPlane start(String name) {
        ControlPlane plane = ControlPlane.start(ControlPlaneConfig.local(dir.resolve(name), clock)
                .withHostCertValidity(Duration.ofDays(7)));
        open.add(plane);
        return plane;
    }

    /** Org and app {@code demo} with a CA in {@code context}, and a machine of it online; returns its id. */
    private String orgAppAndMachine(String context, ControlPlane plane, String name) {
        ok(me, "--context", context, "orgs", "create", "demo");
        ok(me, "--context", context, "apps", "create", "demo", "--org", "demo");
        ok(me, "--context", context, "ssh", "establish", "demo");
        String token = MachinesIT.token(ok(me, "--context", context, "tokens", "create", "machine", "--app", "demo"));
        InProcessMachine m = InProcessMachine.join(plane.baseUrl(), token, dir.resolve(name), clock);
        open.add(m);
        MachineProcesses.awaitTrue(Duration.ofSeconds(20), () -> m.agent().tunnelOnline(), "tunnel of " + name);
        return m.id();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void everyNameResolvesToItsOwnContextsGatewayKeyAndKnownHostsAndNoShortNameIsShared() throws IOException {
        String first = ok(me, "--context", "prod", "ssh", "config", "--app", "demo", "--org", "demo", "--short-names");
        Path prodConf = ContextFiles.sshConfig(me.posternHome(), "prod", "demo", "demo");
        assertThat(first).contains("Include " + prodConf, "Short names are now on for login context prod");
        assertThat(Files.readString(prodConf)).as("alone, opted in: the short names")
                .contains("Host *.vm.demo.internal demo.internal\n", "Host " + idA + ".vm.demo.internal\n")
                .doesNotContain("Host demo.demo.internal\n");
        String second = ok(me, "--context", b, "ssh", "config", "--app", "demo", "--org", "demo", "--write");
        assertThat(second).contains("Took demo.internal, *.vm.demo.internal, <id>.vm.demo.internal out of " + prodConf);
        Path bConf = ContextFiles.sshConfig(me.posternHome(), b, "demo", "demo");
        Path hostileConf = write(hostile);
        List<Path> confs = List.of(prodConf, bConf, hostileConf);
        assertThat(confs).doesNotHaveDuplicates().allSatisfy(c -> assertThat(c).isRegularFile());
        for (Path conf : confs) {
            assertThat(Files.readString(conf)).as(conf.toString()).doesNotContain("Host *.vm.demo.internal")
                    .doesNotContain("Host demo.demo.internal\n").doesNotContain(".vm.demo.internal\n  ProxyJump");
        }

        String a = "." + ContextFiles.label("prod");
        String lb = "." + ContextFiles.label(b);
        String lh = "." + ContextFiles.label(hostile);
        assertThat(a).isEqualTo(".prod");
        for (List<Path> order : List.of(confs, List.of(hostileConf, bConf, prodConf), List.of(bConf, hostileConf,
                prodConf))) {
            Path all = dir.resolve("all-" + order.get(0).getFileName());
            StringBuilder includes = new StringBuilder();
            order.forEach(c -> includes.append("Include ").append(c).append("\n"));
            Files.writeString(all, includes.toString());
            assertResolvesTo(all, idA + ".vm.demo.internal" + a, "prod", idA + ".vm.demo.internal");
            assertResolvesTo(all, "demo.demo.internal" + a, "prod", "demo.internal");
            assertResolvesTo(all, idB + ".vm.demo.internal" + lb, b, idB + ".vm.demo.internal");
            assertResolvesTo(all, "demo.demo.internal" + lb, b, "demo.internal");
            assertResolvesTo(all, idA + ".vm.demo.internal" + lh, hostile, idA + ".vm.demo.internal");
            assertResolvesTo(all, "demo.demo.internal" + lh, hostile, "demo.internal");
            for (String context : List.of("prod", b, hostile)) {
                String alias = "postern-gateway-demo." + ContextFiles.label(context);
                Map<String, String> g = sshG(all, alias);
                assertThat(g).as(alias).containsEntry("hostkeyalias", alias).containsEntry("identityfile",
                        ContextFiles.keptKey(me.posternHome(), context, "demo").toString());
            }
            assertThat(sshG(all, "postern-gateway-demo" + lh)).containsEntry("port", "9");
            for (String unclaimed : List.of(idA + ".vm.demo.internal", idB + ".vm.demo.internal", "demo.demo.internal",
                    "demo.internal", "postern-gateway-demo")) {
                Map<String, String> g = sshG(all, unclaimed);
                assertThat(g).as(unclaimed + ": no config of the three may claim it").doesNotContainKey("proxyjump")
                        .doesNotContainKey("certificatefile").doesNotContainKey("hostkeyalias");
                assertThat(g.get("identityfile") + g.get("userknownhostsfile")).as(unclaimed).doesNotContain(".postern");
            }
            for (String host : List.of(idA + ".vm.demo.internal" + a, idB + ".vm.demo.internal" + lb,
                    "demo.demo.internal" + a, "demo.demo.internal" + lb)) {
                ProcessResult ssh = Processes.run(T, List.of("ssh", "-F", all.toString(), "-o", "BatchMode=yes", host,
                        "true"));
                assertThat(ssh.exitCode()).as(order + " " + host + ": " + ssh).isZero();
            }
        }
    }

    /**
     * A config and known_hosts of Postern before round 7 (as it wrote them: named by org and app, alias
     * {@code postern-gateway-demo}, the hostile server's gateway) would go on capturing the machine's name: the next
     * {@code --write} of any context removes them and says so; files that are not Postern's stay.
     */
    @Test
    void filesOfTheOldNamingAreRemovedByTheNextWriteAndNoLongerCaptureAName() throws IOException {
        Path ssh = Files.createDirectories(me.posternHome().resolve("ssh"));
        Path oldConf = ssh.resolve("demo-demo.conf");
        Files.writeString(oldConf, "# Postern: machines of app demo in org demo (written by 'postern ssh config --app"
                + " demo --org demo')\nHost postern-gateway-demo\n  HostName 127.0.0.1\n  Port 9\n\n"
                + "Host " + idA + ".vm.demo.internal\n  ProxyJump postern-gateway-demo\n"
                + "  UserKnownHostsFile " + ssh.resolve("known_hosts_demo") + "\n");
        Path oldKnown = ssh.resolve("known_hosts_demo");
        Files.writeString(oldKnown, "# Postern: org demo; machines prove themselves with host certificates of the org's"
                + " host CA\n");
        Path notOurs = ssh.resolve("mine.conf");
        Files.writeString(notOurs, "Host mine\n");
        Path all = dir.resolve("all.conf");
        Path prodConf = ContextFiles.sshConfig(me.posternHome(), "prod", "demo", "demo");
        Files.writeString(all, "Include " + oldConf + "\nInclude " + prodConf + "\n");
        assertThat(sshG(all, idA + ".vm.demo.internal")).as("before: the old file captures it")
                .containsEntry("proxyjump", "postern-gateway-demo");

        // short names on, so the machine's own name is prod's again, as the old file had it
        String out = ok(me, "--context", "prod", "ssh", "config", "--app", "demo", "--org", "demo", "--short-names");
        assertThat(out).contains("Removed " + oldConf + ", written by an older postern", "remove its Include line",
                "'postern ssh config --app demo --org demo --write'", "Removed " + oldKnown);
        assertThat(oldConf).doesNotExist();
        assertThat(oldKnown).doesNotExist();
        assertThat(notOurs).hasContent("Host mine\n");
        assertResolvesTo(all, idA + ".vm.demo.internal", "prod", idA + ".vm.demo.internal");
        ProcessResult login = Processes.run(T, List.of("ssh", "-F", all.toString(), "-o", "BatchMode=yes",
                idA + ".vm.demo.internal", "true"));
        assertThat(login.exitCode()).as(login.toString()).isZero();
    }

    /** A logout takes the context's configs and known_hosts with it: they would go on claiming its names. */
    @Test
    void aLogoutRemovesTheContextsConfigsAndKnownHostsOnly() {
        Path prodConf = write("prod");
        Path bConf = write(b);
        assertThat(ok(me, "auth", "logout", "prod")).contains("context prod removed");
        assertThat(prodConf).doesNotExist();
        assertThat(ContextFiles.knownHosts(me.posternHome(), "prod", "demo")).doesNotExist();
        assertThat(bConf).isRegularFile();
        assertThat(ContextFiles.knownHosts(me.posternHome(), b, "demo")).isRegularFile();
    }

    private Path write(String context) {
        String out = ok(me, "--context", context, "ssh", "config", "--app", "demo", "--org", "demo", "--write");
        Path conf = ContextFiles.sshConfig(me.posternHome(), context, "demo", "demo");
        assertThat(out).contains("Include " + conf);
        return conf;
    }

    /** {@code host} is {@code context}'s in {@code config}: its gateway, one key and certificate, its known_hosts. */
    private void assertResolvesTo(Path config, String host, String context, String hostName) {
        Map<String, String> g = sshG(config, host);
        String key = ContextFiles.keptKey(me.posternHome(), context, "demo").toString();
        assertThat(g).as(host).containsEntry("hostname", hostName)
                .containsEntry("proxyjump", "postern-gateway-demo." + ContextFiles.label(context))
                .as(host + ": one key, its context's").containsEntry("identityfile", key)
                .containsEntry("certificatefile", key + "-cert.pub")
                .containsEntry("userknownhostsfile", ContextFiles.knownHosts(me.posternHome(), context, "demo")
                        .toString());
    }

    private static Map<String, String> sshG(Path config, String host) {
        return SshConfigOrgsIT.sshG(config, host);
    }
}
