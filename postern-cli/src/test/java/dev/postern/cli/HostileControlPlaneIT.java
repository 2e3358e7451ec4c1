package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.client.ClientConfig;
import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.common.api.AddMemberResponse;
import dev.postern.common.api.AppView;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.CertificateView;
import dev.postern.common.api.GatewayView;
import dev.postern.common.api.IssueResponse;
import dev.postern.common.api.JoinTokenView;
import dev.postern.common.api.MachineView;
import dev.postern.common.api.OrgRole;
import dev.postern.common.api.OrgView;
import dev.postern.common.api.WhoAmI;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import dev.postern.testing.SshKeygen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spoofed or compromised control plane answers the CLI with values built to break out of the files and
 * command lines they end up in: a gateway address that carries a {@code ProxyCommand} (which ssh would run), a
 * port with an ssh option, a CA key with a second known_hosts line, an org or machine name that climbs out of
 * {@code ~/.postern/ssh}, a join token with shell syntax, terminal escape sequences. Each is refused by name,
 * the exit code is not 0, and no file under HOME changes (compared byte for byte with a good run's files).
 */
class HostileControlPlaneIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;
    FakeControlPlane plane;
    CliRunner cli;
    Path marker;
    String gatewayKey;
    String hostCa;
    String userCa;
    String attackerKey;

    @BeforeEach
    void setUp() throws GeneralSecurityException {
        plane = new FakeControlPlane();
        cli = new CliRunner(tmp.resolve("home"), Clock.systemUTC());
        marker = tmp.resolve("pwned");
        new ConfigFile(cli.posternHome()).save(new ClientConfig(plane.url(), "alice@example.com",
                "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"));
        FakeOrgPlane.Keys keys = FakeOrgPlane.serve(plane, "acme", "web", "alice@example.com", "gw.example.com:2222",
                List.of("0a1b2c3d4e5f67"));
        gatewayKey = keys.gateway();
        hostCa = keys.hostCa();
        userCa = keys.userCa();
        attackerKey = newKey();
    }

    @AfterEach
    void tearDown() {
        plane.close();
    }

    @Test
    void aGoodAnswerWritesAConfigThatRealSshParsesAndAKnownHostsThatSshKeygenReads() throws IOException {
        CliRunner.Result r = cli.run("ssh", "config", "--app", "web", "--write");
        assertThat(r.exit()).as(r.toString()).isZero();
        Path conf = cli.sshConfig("acme", "web");
        Path knownHosts = cli.knownHosts("acme");
        String alias = "postern-gateway-acme." + ContextFiles.label(cli.context());

        String label = ContextFiles.label(cli.context());
        ProcessResult machine = ssh("-F", conf.toString(), "-G", "0a1b2c3d4e5f67.vm.web.internal." + label);
        assertThat(machine.exitCode()).as(machine.toString()).isZero();
        assertThat(machine.stdout().lines()).contains("hostname 0a1b2c3d4e5f67.vm.web.internal", "user root",
                "proxyjump " + alias, "stricthostkeychecking true", "identitiesonly yes",
                "userknownhostsfile " + knownHosts);
        ProcessResult gateway = ssh("-F", conf.toString(), "-G", alias);
        assertThat(gateway.exitCode()).as(gateway.toString()).isZero();
        assertThat(gateway.stdout().lines()).contains("hostname gw.example.com", "port 2222",
                "hostkeyalias " + alias);
        assertThat(machine.stdout() + gateway.stdout()).doesNotContainIgnoringCase("proxycommand ");

        assertThat(Files.readAllLines(knownHosts).stream().filter(l -> !l.startsWith("#")))
                .containsExactly("@cert-authority *.internal " + hostCa, alias + " " + gatewayKey);
        ProcessResult found = Processes.run(T, List.of("ssh-keygen", "-F", alias, "-f",
                knownHosts.toString()));
        assertThat(found.exitCode()).as(found.toString()).isZero();
        assertThat(found.stdout()).contains(gatewayKey);
    }

    /**
     * A server that lists 40,000 machines: each is two Host lines, and ssh reads every Include for every host it
     * connects to (with such a config, {@code ssh -G github.com} took 3.6 s and 240 MB here). Past
     * 1,000 ({@code ConfigCommand.MAX_MACHINE_NAMES}) the config names no machine by id, says so, and
     * any machine stays reachable by the app's names.
     */
    @Test
    void aServerListingTensOfThousandsOfMachinesGetsNoNamePerMachine() throws IOException {
        List<MachineView> many = java.util.stream.IntStream.range(0, 40_000).mapToObj(i -> "m" + i)
                .map(id -> FakeOrgPlane.machine("web", id, id + ".vm.web.internal")).toList();
        plane.answer("GET /v1/orgs/acme/apps/web/machines", many);
        CliRunner.Result r = cli.run("ssh", "config", "--app", "web", "--write");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("the server lists 40000 machines of app web; a config names at most 1000, so it"
                + " names none by id");
        Path conf = cli.sshConfig("acme", "web");
        assertThat(Files.size(conf)).isLessThan(8_000);
        assertThat(Files.readString(conf)).doesNotContain("m1.vm.web.internal", "m39999");
        String label = ContextFiles.label(cli.context());
        ProcessResult any = ssh("-F", conf.toString(), "-G", "web.acme.internal." + label);
        assertThat(any.stdout().lines()).contains("hostname web.internal", "proxyjump postern-gateway-acme." + label);
        ProcessResult one = ssh("-F", conf.toString(), "-G", "m7.vm.web.internal");
        assertThat(one.stdout().lines()).as("short names are off").noneMatch(l -> l.startsWith("proxyjump"));
        CliRunner.Result on = cli.run("ssh", "config", "--app", "web", "--short-names");
        assertThat(on.exit()).as(on.toString()).isZero();
        assertThat(Files.size(conf)).isLessThan(8_000);
        one = ssh("-F", conf.toString(), "-G", "m7.vm.web.internal");
        assertThat(one.stdout().lines()).as("opted in: any machine by its own name")
                .contains("proxyjump postern-gateway-acme." + label);
    }

    @Test
    void aGatewayHostWithANewlineAndAProxyCommandIsRefused() throws IOException {
        refusedByConfigWrite("GET /v1/gateway", new GatewayView("gw.example.com\n  ProxyCommand touch " + marker + ":2222",
                gatewayKey), "gateway address", "gw.example.com\\n  ProxyCommand");
    }

    @Test
    void aGatewayPortWithAnSshOptionIsRefused() throws IOException {
        refusedByConfigWrite("GET /v1/gateway", new GatewayView("gw.example.com:22 -oProxyCommand=touch" + marker,
                gatewayKey), "gateway address", "gw.example.com:22 -oProxyCommand");
        refusedByConfigWrite("GET /v1/gateway", new GatewayView("-oProxyCommand=x:22", gatewayKey), "gateway address",
                "-oProxyCommand=x:22");
        refusedByConfigWrite("GET /v1/gateway", new GatewayView("gw.example.com:0", gatewayKey), "gateway address",
                "gw.example.com:0");
    }

    @Test
    void aCaKeyLineWithASecondLineIsRefused() throws IOException {
        refusedByConfigWrite("GET /v1/orgs/acme/ca", new AuthorityView("acme", userCa, hostCa
                + "\n@cert-authority * " + attackerKey, NOW, false), "host CA key of org acme", "\\n@cert-authority");
        refusedByConfigWrite("GET /v1/orgs/acme/ca", new AuthorityView("acme", userCa, hostCa
                + " comment\nHost *\n  ProxyCommand touch " + marker, NOW, false), "host CA key of org acme", "\\nHost *");
        refusedByConfigWrite("GET /v1/gateway", new GatewayView("gw.example.com:2222", gatewayKey + "\r\n* "
                + attackerKey), "gateway host key", "\\r\\n* ");
        refusedByConfigWrite("GET /v1/orgs/acme/ca", new AuthorityView("acme", userCa, "ssh-ed25519 AAAAnot-base64",
                NOW, false), "host CA key of org acme", "ssh-ed25519 AAAAnot-base64");
    }

    @Test
    void anOrgNameThatClimbsOutOfTheSshDirectoryOrHoldsWhitespaceIsRefused() throws IOException {
        for (String name : List.of("../../.ssh/authorized_keys", "acme\n  ProxyCommand touch " + marker, "ac me")) {
            refusedByConfigWrite("GET /v1/orgs", List.of(new OrgView(name, "owner", NOW, true)), "org name",
                    name.substring(0, 4));
        }
    }

    @Test
    void consoleRefusesAMachineWhoseNameIsNotItsOwnBeforeAskingForACertificateOrConnecting() throws IOException {
        Map<String, String> bad = Map.of("../../../etc/passwd", "machine name",
                "0a1b2c3d4e5f67.vm.web.internal -oProxyCommand=x", "machine name",
                "0a1b2c3d4e5f67.vm.other.internal", "machine name");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            plane.answer("GET /v1/orgs/acme/apps/web/machines", List.of(machine("0a1b2c3d4e5f67", e.getKey())));
            refusedByConsole(e.getValue());
        }
        plane.answer("GET /v1/orgs/acme/apps/web/machines", List.of(machine("0a1b 2c", "0a1b 2c.vm.web.internal")));
        refusedByConsole("machine id");
    }

    @Test
    void consoleRefusesAGatewayAddressOrLoginThatCarriesAnSshOption() throws IOException {
        plane.answer("GET /v1/gateway", new GatewayView("gw.example.com:22 -oProxyCommand=x", gatewayKey));
        refusedByConsole("gateway address");
        plane.answer("GET /v1/gateway", new GatewayView("gw.example.com:2222", gatewayKey));
        plane.answer("GET /v1/whoami", new WhoAmI("alice@example.com",
                List.of(new OrgRole("acme", "member", "-oProxyCommand=touch" + marker))));
        refusedByConsole("default login name");
    }

    @Test
    void tokensCreateRefusesAJoinTokenWithShellSyntaxAndPrintsNoCommandLine() throws IOException {
        plane.answer("POST /v1/orgs/acme/apps/web/join-tokens", new JoinTokenView(7, "pjt_x$(touch " + marker + ")",
                "acme", "web", 1, NOW));
        Map<Path, String> before = files();
        CliRunner.Result r = cli.run("tokens", "create", "machine", "--app", "web");
        assertRefused(r, "join token", "pjt_x$(touch");
        assertThat(r.out()).doesNotContain("postern agent");
        assertThat(files()).isEqualTo(before);
    }

    @Test
    void issueRefusesACertificateLineWithASecondLineAndWritesNoKey() throws IOException {
        Path ca = SshKeygen.generate(tmp, "ca", "ed25519");
        Path other = SshKeygen.generate(tmp, "other", "ed25519");
        ProcessResult signed = Processes.run(T, List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", "x", "-n", "root",
                "-V", "+1h", other + ".pub"));
        assertThat(signed.exitCode()).as(signed.toString()).isZero();
        String cert = Files.readString(SshKeygen.certificateFile(other)).strip();
        CertificateView log = new CertificateView(7, "postern:acme:alice@example.com:7", "alice@example.com",
                List.of("root"), "SHA256:x", NOW, NOW.plusSeconds(3600), "alice@example.com", NOW, false, null, null);
        Path key = cli.home().resolve("key");
        Files.createDirectories(cli.home());
        for (String bad : List.of(cert + "\n@cert-authority * " + attackerKey, cert)) {
            // the second is well-formed, but certifies another key than the one made here
            plane.answer("POST /v1/orgs/acme/certificates", new IssueResponse(log, bad));
            Map<Path, String> before = files();
            CliRunner.Result r = cli.run("ssh", "issue", "acme", key.toString());
            assertRefused(r, "certificate", "ssh-ed25519-cert-v01@openssh.com");
            assertThat(files()).isEqualTo(before);
            assertThat(key).doesNotExist();
        }
    }

    @Test
    void anErrorTextWithTerminalEscapesReachesTheTerminalEscaped() {
        plane.answer("GET /v1/orgs", 400, "{\"error\":\"\\u001b]0;owned\\u0007\\u001b[2J\\npostern: all good\\u202e\"}");
        CliRunner.Result r = cli.run("orgs", "list");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e")
                .contains("\\e]0;owned");
        assertThat(r.err().lines().filter(l -> l.startsWith("postern:"))).hasSize(1);
    }

    @Test
    void anAnswerWithoutEndIsCutAt32MiB() {
        plane.answer("GET /v1/orgs", "[" + " ".repeat(33 << 20) + "]");
        CliRunner.Result r = cli.run("orgs", "list");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).contains("the control plane sent an answer larger than 32 MiB to GET /v1/orgs")
                .contains("check the server at " + plane.url());
    }

    @Test
    void theAnswerToOrgsOrAppsCreateReachesNeitherTheTerminalNorAPrintedCommandLineRaw() {
        // the printed next step is pasted into a shell: a hostile answer must not put its own command there
        String evil = "acme' ; touch " + marker + " ; '\u001b]0;owned\u0007\u001b[2J";
        plane.answer("POST /v1/orgs", new OrgView(evil, "owner\u001b[1A\u202e", NOW, false));
        CliRunner.Result org = cli.run("orgs", "create", "acme");
        assertThat(org.exit()).as(org.toString()).isZero();
        assertThat(org.out()).as(org.toString()).doesNotContain("\u001b").doesNotContain("\u202e")
                .doesNotContain("touch").contains("'postern ssh establish acme'");

        plane.answer("POST /v1/orgs/acme/apps", new AppView(evil, evil, NOW));
        CliRunner.Result app = cli.run("apps", "create", "web", "--org", "acme");
        assertThat(app.exit()).as(app.toString()).isZero();
        assertThat(app.out()).as(app.toString()).doesNotContain("\u001b").doesNotContain("touch")
                .contains("Created app web in org acme.");
    }

    @Test
    void membersAddRefusesAnInviteTokenWithShellSyntaxAndPrintsNoCommandLine() {
        // the admin pastes the printed command to the new member, who runs it: the token must be only a token
        plane.answer("POST /v1/orgs/acme/members", new AddMemberResponse("bob@example.com", "member\u001b[2J", "bob",
                "pst_0123456789abcdefghij; touch " + marker, NOW));
        CliRunner.Result r = cli.run("members", "add", "--org", "acme", "--email", "bob@example.com");
        assertRefused(r, "invite token", "pst_0123456789abcdefghij; touch");
        assertThat(r.out()).as(r.toString()).doesNotContain("touch").doesNotContain("postern auth login");

        plane.answer("POST /v1/orgs/acme/members", new AddMemberResponse("bob@example.com", "member\u001b[2J", "bob",
                "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", NOW));
        CliRunner.Result good = cli.run("members", "add", "--org", "acme", "--email", "bob@example.com");
        assertThat(good.exit()).as(good.toString()).isZero();
        assertThat(good.out()).as(good.toString()).doesNotContain("\u001b")
                .contains("--token pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG");
    }

    /** Writes a good config first, then checks that a run with the bad answer fails and changes nothing. */
    private void refusedByConfigWrite(String request, Object badAnswer, String field, String shown) throws IOException {
        Map<String, Object> good = Map.of(
                "GET /v1/orgs", List.of(new OrgView("acme", "owner", NOW, true)),
                "GET /v1/gateway", new GatewayView("gw.example.com:2222", gatewayKey),
                "GET /v1/orgs/acme/ca", new AuthorityView("acme", userCa, hostCa, NOW, false));
        good.forEach(plane::answer);
        CliRunner.Result first = cli.run("ssh", "config", "--app", "web", "--write");
        assertThat(first.exit()).as(first.toString()).isZero();
        Map<Path, String> before = files();
        assertThat(before).containsKeys(cli.sshConfig("acme", "web"),
                cli.knownHosts("acme"));

        plane.answer(request, badAnswer);
        CliRunner.Result r = cli.run("ssh", "config", "--app", "web", "--write");
        assertRefused(r, field, shown);
        assertThat(files()).isEqualTo(before);
        CliRunner.Result printed = cli.run("ssh", "config", "--app", "web");
        assertRefused(printed, field, shown);
        assertThat(printed.out()).isEmpty();
        good.forEach(plane::answer);
    }

    private void refusedByConsole(String field) throws IOException {
        Map<Path, String> before = files();
        int asked = plane.requests().size();
        CliRunner.Result r = cli.run("ssh", "console", "--app", "web", "-C", "true");
        assertRefused(r, field, "");
        assertThat(plane.requests().subList(asked, plane.requests().size()))
                .doesNotContain("POST /v1/orgs/acme/certificates");
        assertThat(files()).isEqualTo(before);
    }

    private void assertRefused(CliRunner.Result r, String field, String shown) {
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).as(r.toString()).contains("the control plane sent " + field + " ")
                .contains("check the server at " + plane.url()).contains(shown);
        assertThat(r.err().lines().count()).as(r.toString()).isEqualTo(1);
        assertThat(marker).doesNotExist();
    }

    /** Every file under HOME and its content. */
    private Map<Path, String> files() throws IOException {
        Map<Path, String> all = new TreeMap<>();
        if (!Files.exists(cli.home())) {
            return all;
        }
        try (Stream<Path> s = Files.walk(cli.home())) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                all.put(p, Files.readString(p));
            }
        }
        return all;
    }

    private static MachineView machine(String id, String name) {
        return FakeOrgPlane.machine("web", id, name);
    }

    private static String newKey() throws GeneralSecurityException {
        return FakeOrgPlane.newKey();
    }

    private static ProcessResult ssh(String... args) {
        return Processes.run(T, Stream.concat(Stream.of("ssh"), Stream.of(args)).toList());
    }
}
