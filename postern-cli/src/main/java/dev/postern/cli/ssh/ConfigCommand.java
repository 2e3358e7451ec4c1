package dev.postern.cli.ssh;

import dev.postern.cli.OrgHelp;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.client.SavedContext;
import dev.postern.cli.client.SavedContexts;
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
            "Machines are <id>.vm.<app>.internal.<context>, any one of them <app>.<org>.internal.<context>,",
            "reached through the gateway (ProxyJump), checked strictly against the org's host CA. With --write,",
            "the key is the one Postern keeps for this login and org (~/.postern/ssh/id_<context>_<org>, an",
            "8-hour certificate renewed by console and by --write).",
            "Short names, without the context (<id>.vm.<app>.internal while no other login context of yours has",
            "an app of that name, <app>.internal while no other org either), are off unless --short-names turned",
            "them on for this login context: the server's app names then claim names under .internal in your",
            "ssh, so turn them on only for a server you trust."})
final class ConfigCommand implements Callable<Integer> {
    /** The most machines a config names by id (each is two Host lines that ssh reads for every connection). */
    static final int MAX_MACHINE_NAMES = 1000;

    private final CliEnvironment env;

    @Option(names = {"-a", "--app"}, required = true, paramLabel = "A", description = "the app")
    String app;

    @Option(names = {"-o", "--org"}, paramLabel = "O", description = OrgHelp.ORG_OF_APP)
    String org;

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "login user on the machines (default: your login in the org; root for owners and admins)")
    String user;

    @Option(names = "--write", description = "write ~/.postern/ssh/<context>_<org>_<app>.conf and "
            + "known_hosts_<context>_<org>, and print "
            + "the Include line for ~/.ssh/config")
    boolean write;

    @Option(names = "--short-names", negatable = true,
            description = "turn the short names (<app>.internal, <id>.vm.<app>.internal) on, or with --no-short-names"
                    + " off, for this login context: saved in ~/.postern/config.json, kept by later writes, and"
                    + " written at once (implies --write); --no-short-names takes them out of all its configs")
    Boolean shortNames;

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
        boolean on = shortNames != null ? shortNames : session.context().shortNames();
        if (shortNames != null) {
            write = true;
            saveShortNames(session.context().name(), shortNames);
        }
        if (write) {
            // before anything is fetched: --no-short-names takes them out even while the server cannot be reached
            sweep();
        }
        String o = session.orgForApp(org, a, "postern ssh config --app " + a + " --org ORG");
        if (SshSyntax.name(o).isEmpty()) {
            throw CliException.usage("--org '" + Printable.escape(o) + "' is not an org name; org names are lower-case "
                    + "letters, digits and '-' (e.g. acme)");
        }
        ServerAnswers answers = ServerAnswers.of(session.api());
        FactsCache cache = FactsCache.open(env.posternHome(), session.context(), answers, env.clock());
        OrgFacts facts = cache.put(OrgFacts.fetch(session, o, env.clock().instant()));
        String login = user != null ? user : facts.defaultLogin() != null ? facts.defaultLogin() : "root";
        String context = session.context().name();
        Path dir = env.posternHome().resolve("ssh").toAbsolutePath().normalize();
        Path key = ContextFiles.keptKey(env.posternHome(), context, o);
        SshConfigText text;
        try {
            text = new SshConfigText(context, o, a, login, facts.gatewayAddress(), facts.gatewayHostKey(), facts.hostCa(),
                    key, ContextFiles.knownHosts(env.posternHome(), context, o));
        } catch (IllegalArgumentException e) {
            // only local paths can fail here: every value from the server was checked above
            throw CliException.usage(e.getMessage() + "; set HOME and POSTERN_HOME to paths of letters, digits and "
                    + "'._/+@=,:-' or spaces");
        }
        // removed machines' host keys, refused by ssh even with a valid certificate
        String known = text.knownHostsText() + RevokedHostLines.text(facts.revokedHostKeys());
        List<String> machineIds = machineIds(session, answers, o, a);
        if (machineIds.size() > MAX_MACHINE_NAMES) {
            // ssh reads every Include for every host it connects to: a server listing 40,000 machines made each ssh
            // command of the person, to any host, parse a 10 MB config (3.6 s, 240 MB); the names of any machine
            // (<app>.<org>.internal.<label>, and *.vm.<app>.internal when on and alone) still reach them
            env.err().println("postern: the server lists " + machineIds.size() + " machines of app " + a + "; a config"
                    + " names at most " + MAX_MACHINE_NAMES + ", so it names none by id: reach one with 'postern ssh"
                    + " console --app " + a + " --machine ID', any one with " + text.contextAlias());
            machineIds = List.of();
        }
        List<SshConfigFiles.Claim> others = others(dir, context, o, a);
        // short names, when on, only while no config of another context (or, for <app>.internal, of any other org or
        // context) of this app name could claim them too: ssh takes the first match's gateway and key
        boolean withoutContext = others.stream().allMatch(c -> c.header().context().equals(context));
        boolean alone = others.isEmpty();
        String config = text.config(machineIds, on, withoutContext, alone);
        PrintStream out = env.out();
        if (!write) {
            out.print(config);
            out.println();
            out.println("# known_hosts (" + text.knownHosts() + "), written by --write:");
            known.lines().forEach(l -> out.println("#   " + l));
            return ExitCodes.OK;
        }
        Path conf = ContextFiles.sshConfig(env.posternHome(), context, o, a);
        UserIdentity identity = Identities.kept(env, session, facts, a, login);
        new FilePair(dir, conf, config, text.knownHosts(), known).write();
        cache.save();
        out.println("Wrote " + conf + " and " + text.knownHosts() + ".");
        // read again after writing: of two writes at the same moment, the later one's sees the other's file and
        // takes the shared names out of both
        SshConfigFiles.Claim mine = new SshConfigFiles.Claim(conf, new SshConfigText.Header(a, o, context));
        for (SshConfigFiles.Claim other : others(dir, context, o, a)) {
            String otherContext = other.header().context();
            demote(other, context, out, a + "." + other.header().org() + ".internal." + ContextFiles.label(otherContext));
            if (!demote(mine, otherContext, out, text.contextAlias()).isEmpty()) {
                withoutContext &= otherContext.equals(context);
                alone = false;
            }
        }
        out.println("Add this line at the top of ~/.ssh/config (or use 'ssh -F " + conf + "'):");
        out.println("Include " + conf);
        out.println("Hosts: " + text.contextAlias() + " (any machine), <id>.vm." + a + ".internal." + text.label()
                + (!on ? "" : withoutContext ? "; short names: " + (alone ? a + ".internal, " : "") + "<id>.vm." + a
                        + ".internal" : "; no short names: another login context of yours has an app " + a));
        if (shortNames != null) {
            out.println("Short names are now " + (on ? "on" : "off") + " for login context " + context + " (saved in "
                    + new ConfigFile(env.posternHome()).path() + "; later writes keep them " + (on ? "on" : "off")
                    + (on ? "; its other apps' configs get them when written again)" : ")") + ".");
        } else if (!on) {
            out.println("Short names (" + a + ".internal, <id>.vm." + a + ".internal) are off for login context "
                    + context + ": for a server you trust, --short-names turns them on.");
        }
        out.println("Key: " + key + " (certificate serial " + identity.certificate().getSerial() + ", valid until "
                + Output.time(Instant.ofEpochSecond(identity.certificate().getValidBefore())) + "; renewed by 'postern ssh"
                + " console' and by running this again)");
        out.println("Try: ssh " + (on && withoutContext && alone ? a + ".internal" : text.contextAlias()) + " hostname");
        return ExitCodes.OK;
    }

    /** Saves the short-names setting in the context {@code name}, read again just before the write. */
    private void saveShortNames(String name, boolean value) {
        ConfigFile file = new ConfigFile(env.posternHome());
        SavedContexts all = file.read();
        SavedContext saved = all.find(name).orElseThrow(() -> CliException.usage("no login context '" + name
                + "'; see them with 'postern auth list'"));
        file.write(all.with(saved.withShortNames(value), false));
    }

    /** Takes short names out of the configs of every context that has not opted in to them, and says so. */
    private void sweep() {
        ShortNames.Result r = ShortNames.sweep(env.posternHome(), new ConfigFile(env.posternHome()).read());
        r.done().forEach(env.out()::println);
        if (!r.problems().isEmpty()) {
            throw new CliException(ExitCodes.FAILURE, String.join("; ", r.problems()));
        }
    }

    /** Takes what competes with {@code writerContext}'s names out of {@code claim}'s config, and says so. */
    private static List<String> demote(SshConfigFiles.Claim claim, String writerContext, PrintStream out, String stays) {
        try {
            List<String> taken = SshConfigFiles.demote(claim, writerContext);
            if (!taken.isEmpty()) {
                out.println("Took " + String.join(", ", taken) + " out of " + claim.file() + ": app "
                        + claim.header().app() + " is in several of your orgs or login contexts. Its names with the"
                        + " context stay: " + stays + ".");
            }
            return taken;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot rewrite " + claim.file() + " (" + e.getMessage() + "); it"
                    + " still claims names of app " + claim.header().app() + " for another org or login context: remove"
                    + " it or its Include line", e);
        }
    }

    private static List<SshConfigFiles.Claim> others(Path dir, String context, String org, String app) {
        try {
            return SshConfigFiles.others(dir, context, org, app);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read " + dir + ": " + e.getMessage(), e);
        }
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
