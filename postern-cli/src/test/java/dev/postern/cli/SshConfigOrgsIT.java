package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two orgs with an app of the same name ({@code demo} in org {@code demo} and in org {@code other}), one machine each,
 * and the configs {@code ssh config --write} leaves for both (short names on) included into one ssh config, in either
 * order: stock
 * {@code ssh -G} shows which gateway, key, certificate and known_hosts each name resolves to, and stock ssh logs in
 * to both machines (each agent trusts only its own org's user CA, so a wrong key is refused).
 */
class SshConfigOrgsIT {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private LifecyclePlane plane;
    private InProcessMachine demoMachine;
    private InProcessMachine otherMachine;

    @BeforeEach
    void twoOrgsWithAnAppOfTheSameName() {
        plane = new LifecyclePlane(dir, Duration.ofDays(7));
        demoMachine = plane.machine("m-demo");
        CliRunner admin = plane.admin;
        ok(admin, "orgs", "create", "other");
        ok(admin, "apps", "create", "demo", "--org", "other");
        ok(admin, "ssh", "establish", "other");
        otherMachine = plane.machine("m-other", "other");
    }

    @AfterEach
    void stop() {
        for (InProcessMachine m : new InProcessMachine[] {demoMachine, otherMachine}) {
            if (m != null) {
                m.close();
            }
        }
        plane.close();
    }

    @Test
    void eachNameResolvesToItsOwnOrgsGatewayKeyAndKnownHostsInEitherIncludeOrder() throws IOException {
        CliRunner admin = plane.admin;
        String first = ok(admin, "ssh", "config", "--app", "demo", "--org", "demo", "--short-names");
        Path demoConf = admin.sshConfig("demo", "demo");
        assertThat(first).contains("Include " + demoConf, "Try: ssh demo.internal hostname");
        assertThat(Files.readString(demoConf)).as("one org with app demo: the short names stay")
                .contains("Host *.vm.demo.internal demo.internal\n");
        // the context's setting is kept: this write is --write alone
        String second = ok(admin, "ssh", "config", "--app", "demo", "--org", "other", "--write");
        Path otherConf = admin.sshConfig("other", "demo");
        assertThat(second).contains("Include " + otherConf).contains("Took demo.internal, *.vm.demo.internal out of "
                + demoConf);
        for (Path conf : List.of(demoConf, otherConf)) {
            assertThat(Files.readString(conf)).as(conf.toString()).doesNotContain("Host *.vm.demo.internal");
        }
        assertThat(Files.readString(demoConf)).as("one context: the machines' own names stay")
                .contains("Host " + demoMachine.id() + ".vm.demo.internal\n").doesNotContain("Host demo.demo.internal\n");
        assertThat(Files.readString(otherConf)).contains("Host " + otherMachine.id() + ".vm.demo.internal\n")
                .doesNotContain("Host demo.other.internal\n");
        String label = dev.postern.cli.connect.ContextFiles.label(admin.context());

        String demoName = demoMachine.id() + ".vm.demo.internal";
        String otherName = otherMachine.id() + ".vm.demo.internal";
        for (List<Path> order : List.of(List.of(demoConf, otherConf), List.of(otherConf, demoConf))) {
            Path both = dir.resolve("both-" + order.get(0).getFileName());
            Files.writeString(both, "Include " + order.get(0) + "\nInclude " + order.get(1) + "\n");
            assertResolvesTo(both, demoName, "demo", demoName);
            assertResolvesTo(both, otherName, "other", otherName);
            assertResolvesTo(both, "demo.other.internal." + label, "other", "demo.internal");
            for (String never : List.of("demo.demo.internal", "demo.other.internal", "demo.internal")) {
                assertThat(sshG(both, never)).as(never).doesNotContainKey("proxyjump");
            }
            assertResolvesTo(both, demoName + "." + label, "demo", demoName);
            assertResolvesTo(both, otherName + "." + label, "other", otherName);
            assertResolvesTo(both, "demo.other.internal." + label, "other", "demo.internal");
            for (String org : List.of("demo", "other")) {
                assertThat(sshG(both, "postern-gateway-" + org + "." + label))
                        .containsEntry("hostkeyalias", "postern-gateway-" + org + "." + label);
            }
            for (String host : List.of(demoName, otherName, "demo.other.internal." + label, otherName + "." + label)) {
                ProcessResult ssh = Processes.run(T, List.of("ssh", "-F", both.toString(), host, "true"));
                assertThat(ssh.exitCode()).as(order + " " + host + ": " + ssh).isZero();
            }
        }
    }

    /** What {@code ssh -F config -G host} resolves {@code host} to is org {@code org}'s, reaching {@code hostName}. */
    private void assertResolvesTo(Path config, String host, String org, String hostName) {
        Map<String, String> g = sshG(config, host);
        String label = dev.postern.cli.connect.ContextFiles.label(plane.admin.context());
        assertThat(g).as(host).containsEntry("hostname", hostName)
                .containsEntry("proxyjump", "postern-gateway-" + org + "." + label);
        assertThat(g.get("identityfile")).as(host + ": one key, its org's").doesNotContain("|").endsWith("_" + org);
        assertThat(g.get("certificatefile")).as(host).doesNotContain("|").endsWith("_" + org + "-cert.pub");
        assertThat(g.get("userknownhostsfile")).as(host).endsWith("_" + org);
    }

    /** {@code ssh -G}'s answer, one value per keyword (several: joined by '|', which no value here holds). */
    static Map<String, String> sshG(Path config, String host) {
        ProcessResult g = Processes.run(T, List.of("ssh", "-F", config.toString(), "-G", host));
        assertThat(g.exitCode()).as(g.toString()).isZero();
        Map<String, String> values = new TreeMap<>();
        g.stdout().lines().map(l -> l.split(" ", 2)).filter(kv -> kv.length == 2)
                .forEach(kv -> values.merge(kv[0], kv[1], (a, b) -> a + "|" + b));
        return values;
    }
}
