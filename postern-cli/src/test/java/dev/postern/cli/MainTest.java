package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.client.ClientConfig;
import dev.postern.cli.client.ConfigFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Usage, exit codes and client-side validation, with no server at all (a closed port stands in for it). */
class MainTest {
    @TempDir
    Path tmp;
    CliRunner cli;
    String deadUrl;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRunner(tmp, Clock.systemUTC());
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadUrl = "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    private void loggedInToDeadServer() {
        new ConfigFile(cli.posternHome()).save(new ClientConfig(deadUrl, "alice@example.com", "pst_session"));
    }

    /** picocli's "@FILE means the arguments in FILE" is off: an argument starting with '@' is itself. */
    @Test
    void anArgumentStartingWithAtIsNotReadAsAFileOfArguments() throws IOException {
        Path args = Files.writeString(tmp.resolve("args"), "--help\n");
        CliRunner.Result r = cli.run("machines", "@" + args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).doesNotContain("Usage:");
        assertThat(r.err()).contains("@" + args);
    }

    @Test
    void everyCommandHasHelp() {
        List<String[]> paths = new ArrayList<>();
        collect(Main.commandLine(new CliRunner(tmp, Clock.systemUTC()).environmentForTests()), new ArrayList<>(),
                paths);
        assertThat(paths).hasSizeGreaterThan(15);
        for (String[] path : paths) {
            CliRunner.Result r = cli.run(path);
            assertThat(r.exit()).as(String.join(" ", path) + "\n" + r).isZero();
            assertThat(r.out()).as(String.join(" ", path)).contains("Usage:");
        }
    }

    @Test
    void aCommandLineBuildsOnlyTheTopLevelCommandItNamesAndEveryNameIsItsCommands() {
        CliEnvironment env = new CliRunner(tmp, Clock.systemUTC()).environmentForTests();
        // the names of the table are the commands' own (@Command name), in the order of postern --help
        assertThat(Main.commandLine(env).getSubcommands().keySet())
                .containsExactlyElementsOf(Main.TOP_COMMANDS.stream().map(Main.TopCommand::name).toList());
        for (Main.TopCommand top : Main.TOP_COMMANDS) {
            assertThat(Main.commandLine(env, new String[] {top.name(), "--help"}).getSubcommands().keySet())
                    .containsExactly(top.name());
        }
        assertThat(Main.commandLine(env, new String[] {"--verbose", "agent"}).getSubcommands())
                .hasSize(Main.TOP_COMMANDS.size());
        assertThat(Main.commandLine(env, new String[] {"nosuch"}).getSubcommands()).hasSize(Main.TOP_COMMANDS.size());
        assertThat(Main.commandLine(env, new String[] {"--version"}).getSubcommands()).isEmpty();
        assertThat(cli.run("--version").out()).isEqualTo("postern 0.1.0-SNAPSHOT\n");
        assertThat(cli.run("-V").out()).isEqualTo("postern 0.1.0-SNAPSHOT\n");
        CliRunner.Result unknown = cli.run("nosuch");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("nosuch");
    }

    private static void collect(CommandLine command, List<String> prefix, List<String[]> out) {
        List<String> help = new ArrayList<>(prefix);
        help.add("--help");
        out.add(help.toArray(String[]::new));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(prefix);
            p.add(name);
            collect(sub, p, out);
        });
    }

    @Test
    void aGroupWithoutCommandIsUsageErrorListingItsCommands() {
        CliRunner.Result r = cli.run("ssh");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("postern: 'postern ssh' needs a command: one of establish, issue, log, revoke, console, config, sftp");
        assertThat(cli.run().exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void unknownOptionIsUsageError() {
        CliRunner.Result r = cli.run("orgs", "list", "--bogus");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("postern: Unknown option: '--bogus'").contains("postern orgs list --help");
    }

    @Test
    void notLoggedInExits3AndSaysHowToLogIn() {
        CliRunner.Result r = cli.run("orgs", "list");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(r.err()).startsWith("postern: not logged in").contains("postern auth login --server URL --token T");
    }

    @Test
    void serverNotRunningExits4NamingTheUrl() {
        loggedInToDeadServer();
        CliRunner.Result r = cli.run("orgs", "list");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(r.err()).contains("cannot reach the Postern server at " + deadUrl).contains("postern server")
                .doesNotContain("\tat ");
        assertThat(r.err().lines()).hasSize(1);

        CliRunner.Result login = cli.run("auth", "login", "--server", deadUrl, "--token", "pst_x");
        assertThat(login.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(login.err()).contains(deadUrl);
    }

    @Test
    void verboseShowsTheStackTrace() {
        loggedInToDeadServer();
        CliRunner.Result r = cli.run("orgs", "list", "--verbose");
        assertThat(r.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(r.err()).contains("\tat ");
    }

    @Test
    void badHoursAreRefusedBeforeAnyRequest() {
        loggedInToDeadServer(); // exit 4 would mean the server was asked
        for (String bad : List.of("0", "73", "abc", "-1", "")) {
            CliRunner.Result r = cli.run("ssh", "issue", "acme", tmp.resolve("key").toString(), "--hours", bad);
            assertThat(r.exit()).as(bad + ": " + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as(bad).contains("--hours").contains("1 to 72");
        }
        assertThat(tmp.resolve("key")).doesNotExist();
    }

    @Test
    void existingPathIsRefusedBeforeAnyRequestAndLeftAlone() throws IOException {
        loggedInToDeadServer();
        Path key = tmp.resolve("key");
        Files.writeString(key, "precious");
        CliRunner.Result r = cli.run("ssh", "issue", "acme", key.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(key + " exists").contains("--overwrite");
        assertThat(Files.readString(key)).isEqualTo("precious");

        Files.delete(key);
        Files.writeString(tmp.resolve("key-cert.pub"), "old cert");
        assertThat(cli.run("ssh", "issue", "acme", key.toString()).err()).contains("key-cert.pub exists");
        assertThat(key).doesNotExist();
    }

    @Test
    void issueWithoutDestinationExplainsWhatToPass() {
        loggedInToDeadServer();
        CliRunner.Result r = cli.run("ssh", "issue", "acme");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("PATH").contains("--dotssh").contains("--agent");
    }

    @Test
    void agentWithoutSshAuthSockNamesSshAgent() {
        loggedInToDeadServer();
        cli.env("SSH_AUTH_SOCK", null);
        CliRunner.Result r = cli.run("ssh", "issue", "acme", "--agent");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("SSH_AUTH_SOCK is not set").contains("ssh-agent");
    }

    @Test
    void badRoleAndEmailAreRefusedBeforeAnyRequest() {
        loggedInToDeadServer();
        CliRunner.Result role = cli.run("members", "add", "--org", "acme", "--email", "b@example.com", "--role", "god");
        assertThat(role.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(role.err()).contains("'god'").contains("owner, admin, member");
        CliRunner.Result email = cli.run("members", "add", "--org", "acme", "--email", "bob");
        assertThat(email.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(email.err()).contains("'bob' is not an e-mail address");
        CliRunner.Result esc = cli.run("members", "add", "--org", "acme", "--email", "a\u001b[2J@example.com");
        assertThat(esc.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(esc.err()).contains("a\\u001b[2J@example.com").doesNotContain("\u001b");
        CliRunner.Result root = cli.run("members", "set", "--org", "acme", "--email", "b@example.com", "--login", "root");
        assertThat(root.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(root.err()).contains("'root' is reserved");
        assertThat(cli.run("audit", "log", "--limit", "0").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("ssh", "revoke", "acme").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("ssh", "issue", "acme", "./k", "-u", "bad user").exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void loginRefusesABadServerUrl() {
        CliRunner.Result r = cli.run("auth", "login", "--server", "ftp://x", "--token", "t");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("'ftp://x'").contains("http://");
    }

    @Test
    void logoutWhenNotLoggedInIsFine() {
        assertThat(cli.run("auth", "logout").exit()).isZero();
    }
}
