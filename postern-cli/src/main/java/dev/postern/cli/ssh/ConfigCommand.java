package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Printable;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.SshSyntax;
import dev.postern.cli.client.Session;
import dev.postern.cli.connect.Targets;
import dev.postern.cli.orgs.Names;
import dev.postern.cli.server.HostPort;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.GatewayView;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code postern ssh config --app A [--org O] [--write]}: ssh_config and known_hosts for stock OpenSSH. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print (or --write) an ssh_config for the app's machines, for stock ssh, scp, sftp, rsync -e ssh.",
            "Machines are <id>.vm.<app>.internal and <app>.internal, reached through the gateway (ProxyJump),",
            "checked strictly against the org's host CA. The key comes from 'postern ssh issue ORG --dotssh'."})
final class ConfigCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Option(names = {"-a", "--app"}, required = true, paramLabel = "A", description = "the app")
    String app;

    @Option(names = {"-o", "--org"}, paramLabel = "O", description = "default: your only org")
    String org;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", defaultValue = "root",
            description = "login user on the machines (default ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--write", description = "write ~/.postern/ssh/<org>-<app>.conf and known_hosts_<org>, and print "
            + "the Include line for ~/.ssh/config")
    boolean write;

    ConfigCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        String a = Names.check("--app", app);
        if (SshSyntax.name(a).isEmpty()) {
            throw CliException.usage("--app '" + Printable.escape(a) + "' cannot name hosts in ssh_config; app names are "
                    + "lower-case letters, digits and '-' (e.g. web)");
        }
        if (SshSyntax.login(user).isEmpty()) {
            throw CliException.usage("--user '" + Printable.escape(user) + "' is not a login name; use e.g. -u root");
        }
        if (org != null && SshSyntax.name(org.trim()).isEmpty()) {
            throw CliException.usage("--org '" + Printable.escape(org) + "' is not an org name; org names are lower-case "
                    + "letters, digits and '-' (e.g. acme)");
        }
        Session session = Session.require(env);
        String o = session.orgForApp(org, a, "postern ssh config --app " + a + " --org ORG");
        ServerAnswers answers = ServerAnswers.of(session.api());
        GatewayView gw = Targets.gateway(session.api());
        HostPort gateway = answers.hostPort("gateway address", gw.address());
        String gatewayKey = answers.publicKey("gateway host key", gw.hostKey());
        AuthorityView ca = session.api().get("/v1/orgs/" + ApiClient.segment(o) + "/ca", AuthorityView.class);
        String hostCa = answers.publicKey("host CA key of org " + o, ca == null ? null : ca.hostCaPublicKey());
        Path dir = env.posternHome().resolve("ssh").toAbsolutePath().normalize();
        SshConfigText text;
        try {
            text = new SshConfigText(o, a, user, gateway, gatewayKey, hostCa,
                    env.home().resolve(".ssh").resolve(IssueCommand.DOTSSH_NAME).toAbsolutePath().normalize(),
                    dir.resolve("known_hosts_" + o));
        } catch (IllegalArgumentException e) {
            // only local paths can fail here: every value from the server was checked above
            throw CliException.usage(e.getMessage() + "; set HOME and POSTERN_HOME to paths of letters, digits and "
                    + "'._/+@=,:-' or spaces");
        }
        // removed machines' host keys, refused by ssh even with a valid certificate
        String known = text.knownHostsText()
                + RevokedHostLines.text(Targets.revokedHostKeyLines(session.api(), answers, o));
        PrintStream out = env.out();
        if (!write) {
            out.print(text.config());
            out.println();
            out.println("# known_hosts (" + text.knownHosts() + "), written by --write:");
            known.lines().forEach(l -> out.println("#   " + l));
            return ExitCodes.OK;
        }
        Path conf = dir.resolve(o + "-" + a + ".conf");
        new FilePair(dir, conf, text.config(), text.knownHosts(), known).write();
        out.println("Wrote " + conf + " and " + text.knownHosts() + ".");
        out.println("Add this line at the top of ~/.ssh/config (or use 'ssh -F " + conf + "'):");
        out.println("Include " + conf);
        if (!Files.exists(text.identity())) {
            out.println("Then get a key and certificate: postern ssh issue " + o + " --dotssh");
        }
        out.println("Try: ssh " + (user.equals("root") ? "" : user + "@") + a + ".internal hostname");
        return ExitCodes.OK;
    }
}
