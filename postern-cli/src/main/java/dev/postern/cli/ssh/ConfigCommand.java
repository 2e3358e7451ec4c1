package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiException;
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
import dev.postern.cli.machines.Machines;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code postern ssh config --app A [--org O] [--write]}: ssh_config and known_hosts for stock OpenSSH. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print (or --write) an ssh_config for the app's machines, for stock ssh, scp, sftp, rsync -e ssh.",
            "Machines are <id>.vm.<app>.internal, any one of them <app>.<org>.internal (and <app>.internal while no",
            "other org of yours has an app of that name), reached through the gateway (ProxyJump),",
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
        List<String> machineIds = machineIds(session, answers, o, a);
        List<Path> otherOrgs;
        try {
            otherOrgs = SshConfigFiles.otherOrgs(dir, o, a);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read " + dir + ": " + e.getMessage(), e);
        }
        // the short names only while no other org's config of this app name could claim them too
        String config = text.config(machineIds, otherOrgs.isEmpty());
        PrintStream out = env.out();
        if (!write) {
            out.print(config);
            out.println();
            out.println("# known_hosts (" + text.knownHosts() + "), written by --write:");
            known.lines().forEach(l -> out.println("#   " + l));
            return ExitCodes.OK;
        }
        Path conf = SshConfigFiles.target(dir, o, a);
        UserIdentity identity = Identities.kept(env, session, facts, a, login);
        new FilePair(dir, conf, config, text.knownHosts(), known).write();
        cache.save();
        out.println("Wrote " + conf + " and " + text.knownHosts() + ".");
        for (Path other : otherOrgs) {
            try {
                if (SshConfigFiles.demote(other)) {
                    out.println("Took " + a + ".internal and *.vm." + a + ".internal out of " + other + " too: app " + a
                            + " is in several of your orgs. Use " + text.orgAppAlias() + " or a machine's name.");
                }
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILURE, "cannot rewrite " + other + " (" + e.getMessage() + "); it "
                        + "still claims " + a + ".internal for another org: remove it or its Include line", e);
            }
        }
        out.println("Add this line at the top of ~/.ssh/config (or use 'ssh -F " + conf + "'):");
        out.println("Include " + conf);
        out.println("Key: " + key + " (certificate serial " + identity.certificate().getSerial() + ", valid until "
                + Output.time(Instant.ofEpochSecond(identity.certificate().getValidBefore())) + "; renewed by 'postern ssh"
                + " console' and by running this again)");
        out.println("Try: ssh " + (otherOrgs.isEmpty() ? a + ".internal" : text.orgAppAlias()) + " hostname");
        return ExitCodes.OK;
    }

    /** The app's machines, named in the config; none when the server will not list them to this person. */
    private static List<String> machineIds(Session session, ServerAnswers answers, String org, String app) {
        try {
            return Machines.list(session, org, app).stream().map(m -> answers.machineId("machine id", m.id())).toList();
        } catch (ApiException e) {
            if (e.status() == 403) {
                return List.of(); // the certificate request below says why, in the server's words
            }
            throw e;
        }
    }
}
