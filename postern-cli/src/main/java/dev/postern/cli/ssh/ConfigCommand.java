package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.Printable;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.SshSyntax;
import dev.postern.cli.client.Session;
import dev.postern.cli.Output;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.cli.connect.FactsCache;
import dev.postern.cli.connect.Identities;
import dev.postern.cli.connect.OrgFacts;
import dev.postern.cli.connect.UserIdentity;
import dev.postern.cli.orgs.Names;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code postern ssh config --app A [--org O] [--write]}: ssh_config and known_hosts for stock OpenSSH. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print (or --write) an ssh_config for the app's machines, for stock ssh, scp, sftp, rsync -e ssh.",
            "Machines are <id>.vm.<app>.internal and <app>.internal, reached through the gateway (ProxyJump),",
            "checked strictly against the org's host CA. With --write, the key is the one Postern keeps for this login",
            "and org (~/.postern/ssh/id_<context>_<org>, an 8-hour certificate renewed by console and by --write)."})
final class ConfigCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Option(names = {"-a", "--app"}, required = true, paramLabel = "A", description = "the app")
    String app;

    @Option(names = {"-o", "--org"}, paramLabel = "O", description = "default: your only org")
    String org;

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "login user on the machines (default: your login in the org; root for owners and admins)")
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
        if (user != null && SshSyntax.login(user).isEmpty()) {
            throw CliException.usage("--user '" + Printable.escape(user) + "' is not a login name; use e.g. -u root");
        }
        if (org != null && SshSyntax.name(org.trim()).isEmpty()) {
            throw CliException.usage("--org '" + Printable.escape(org) + "' is not an org name; org names are lower-case "
                    + "letters, digits and '-' (e.g. acme)");
        }
        Session session = Session.require(env);
        String o = session.orgForApp(org, a, "postern ssh config --app " + a + " --org ORG");
        if (SshSyntax.name(o).isEmpty()) {
            throw CliException.usage("--org '" + Printable.escape(o) + "' is not an org name; org names are lower-case "
                    + "letters, digits and '-' (e.g. acme)");
        }
        ServerAnswers answers = ServerAnswers.of(session.api());
        FactsCache cache = FactsCache.open(env.posternHome(), session.context(), answers, env.clock());
        OrgFacts facts = cache.put(OrgFacts.fetch(session, o, env.clock().instant()));
        String login = user != null ? user : facts.defaultLogin() != null ? facts.defaultLogin() : "root";
        Path dir = env.posternHome().resolve("ssh").toAbsolutePath().normalize();
        Path key = ContextFiles.keptKey(env.posternHome(), session.context().name(), o);
        SshConfigText text;
        try {
            text = new SshConfigText(o, a, login, facts.gatewayAddress(), facts.gatewayHostKey(), facts.hostCa(), key,
                    dir.resolve("known_hosts_" + o));
        } catch (IllegalArgumentException e) {
            // only local paths can fail here: every value from the server was checked above
            throw CliException.usage(e.getMessage() + "; set HOME and POSTERN_HOME to paths of letters, digits and "
                    + "'._/+@=,:-' or spaces");
        }
        // removed machines' host keys, refused by ssh even with a valid certificate
        String known = text.knownHostsText() + RevokedHostLines.text(facts.revokedHostKeys());
        PrintStream out = env.out();
        if (!write) {
            out.print(text.config());
            out.println();
            out.println("# known_hosts (" + text.knownHosts() + "), written by --write:");
            known.lines().forEach(l -> out.println("#   " + l));
            return ExitCodes.OK;
        }
        Path conf = dir.resolve(o + "-" + a + ".conf");
        UserIdentity identity = Identities.kept(env, session, facts, a, login);
        new FilePair(dir, conf, text.config(), text.knownHosts(), known).write();
        cache.save();
        out.println("Wrote " + conf + " and " + text.knownHosts() + ".");
        out.println("Add this line at the top of ~/.ssh/config (or use 'ssh -F " + conf + "'):");
        out.println("Include " + conf);
        out.println("Key: " + key + " (certificate serial " + identity.certificate().getSerial() + ", valid until "
                + Output.time(Instant.ofEpochSecond(identity.certificate().getValidBefore())) + "; renewed by 'postern ssh"
                + " console' and by running this again)");
        out.println("Try: ssh " + a + ".internal hostname");
        return ExitCodes.OK;
    }
}
