package dev.postern.cli.auth;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.client.ClientConfig;
import dev.postern.common.ServerUrls;
import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.client.Printable;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.ContextNames;
import dev.postern.cli.client.SavedContext;
import dev.postern.cli.client.SavedContexts;
import dev.postern.cli.client.Session;
import java.util.List;
import java.util.Locale;
import dev.postern.cli.ssh.ShortNames;
import java.util.stream.Collectors;
import picocli.CommandLine.Parameters;
import dev.postern.common.api.LoginResponse;
import dev.postern.common.api.OrgRole;
import dev.postern.common.api.WhoAmI;
import dev.postern.common.tls.Fingerprint;
import dev.postern.cli.connect.ContextFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code postern auth login|whoami|list|use|logout}: the logins (contexts) kept in
 * {@code $POSTERN_HOME/config.json}.
 */
@Command(name = "auth", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Log in to a Postern server, show who you are, log out.")
public final class AuthCommand implements Runnable {
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public AuthCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = {"Exchange a one-time token (the bootstrap token of 'postern server' or an invite from "
                    + "'postern members add') for a session, saved in $POSTERN_HOME/config.json (0600)."})
    int login(@Option(names = "--server", required = true, paramLabel = "URL",
                      description = "e.g. https://cp.example.com:7070") String server,
              @Option(names = "--token", required = true, paramLabel = "T", description = "the one-time token")
              String token,
              @Option(names = "--name", paramLabel = "NAME",
                      description = "name of this login context (default: the server's host:port)") String name,
              @Option(names = "--fingerprint", paramLabel = "sha256:HEX",
                      description = "the server's TLS key as 'postern server' printed it; pinned in this context, and"
                              + " any other key is refused (default: the system's trusted CAs)") String fingerprint) {
        String url;
        Optional<Fingerprint> pin;
        try {
            url = ClientConfig.normalizeServer(server);
            ServerUrls.requireSafe(url, env.variables().get(ServerUrls.ALLOW_HTTP));
            pin = pin(url, fingerprint);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        String contextName;
        try {
            contextName = name != null ? ContextNames.check(name.trim()) : ContextNames.fromServer(url);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--name: " + e.getMessage());
        }
        if (token.isBlank()) {
            throw CliException.usage("--token is empty; pass the one-time token you were given");
        }
        // before the one-time token is spent
        refuseTwin(new ConfigFile(env.posternHome()).read(), contextName);
        LoginResponse session;
        try {
            session = new ApiClient(url, token.trim(), pin).post("/v1/auth/login", null, LoginResponse.class);
        } catch (ApiException e) {
            if (e.status() == 401) {
                throw new CliException(ExitCodes.AUTH, url + " did not accept that token (" + e.serverError()
                        + "); one-time tokens work once and expire: ask an org admin for a new invite "
                        + "('postern members invite --org O --email E')");
            }
            throw e;
        }
        // the token goes into every later request's Authorization header, the e-mail into messages
        ServerAnswers answers = ServerAnswers.of(new ApiClient(url, null));
        String sessionToken = answers.token("session token", session == null ? null : session.token(), "pst_");
        String email = answers.text("e-mail", session.email());
        ConfigFile file = new ConfigFile(env.posternHome());
        SavedContexts all = file.read();
        refuseTwin(all, contextName);
        SavedContext fresh = new SavedContext(contextName, url, email, sessionToken, null,
                pin.map(Fingerprint::value).orElse(null));
        // a new login to the same server keeps the default org and the short-names setting; another server's do not
        // carry over, and neither do the files kept for the old one
        Optional<SavedContext> was = all.find(contextName);
        Optional<SavedContext> same = was.filter(c -> !c.otherServer(fresh));
        file.write(all.with(fresh.withOrg(same.map(SavedContext::org).orElse(null))
                .withShortNames(same.map(SavedContext::shortNames).orElse(false)), true));
        env.out().println("Logged in to " + url + " as " + Printable.escape(email) + " (session valid until "
                + Output.time(session.expiresAt()) + "; context " + contextName + ", now current; "
                + pin.map(p -> "TLS key pinned: " + p + "; ").orElse("") + "saved in " + file.path() + ")");
        if (was.isPresent() && same.isEmpty()) {
            removeOtherServersFiles(was.get());
        }
        ShortNames.Result swept = ShortNames.sweep(env.posternHome(), file.read());
        swept.done().forEach(env.out()::println);
        swept.problems().forEach(p -> env.err().println("postern: " + p));
        return ExitCodes.OK;
    }

    /**
     * Refuses a context whose files would be a saved one's ({@link ContextFiles#twin}): a name that differs only in
     * case ({@code Prod}, {@code prod}) on a case-insensitive file system (macOS, Windows), or one written the same in
     * file names ({@code cp_7070-<hash>} beside {@code cp:7070}) anywhere. They would share their kept keys, ssh
     * configs, known_hosts and cached facts, and the login, logout or re-login elsewhere of one would replace or delete
     * the other's.
     */
    private void refuseTwin(SavedContexts all, String name) {
        Optional<String> twin = ContextFiles.twin(all.names(), name);
        if (twin.isEmpty()) {
            return;
        }
        String saved = twin.get();
        Path ssh = env.posternHome().resolve("ssh");
        if (saved.equalsIgnoreCase(name)) {
            throw CliException.usage("login context '" + name + "' differs from your context '" + saved + "' only"
                    + " in case, and on a case-insensitive file system (macOS, Windows) the two would share their"
                    + " keys and ssh configs under " + ssh + ": log in with --name " + saved + " to replace that"
                    + " login, or choose another --name");
        }
        throw CliException.usage("login context '" + name + "' would keep its files under the names of your context '"
                + saved + "' (in file names, characters other than letters, digits, '.' and '-' are written as '_' with a"
                + " hash of the name after them), so the two would share their keys and ssh configs under " + ssh
                + ": choose another --name, or log in with --name " + saved + " to replace that login");
    }

    /**
     * Deletes the files {@code old} kept for its server (keys, certificates, ssh configs and known_hosts, cached
     * facts) now that its name is a login to another server: its configs would go on sending the context's names to
     * the old gateway, trusting the old host CA, until the next {@code ssh config --write}.
     */
    private void removeOtherServersFiles(SavedContext old) {
        List<Path> files;
        int deleted = 0;
        try {
            files = ContextFiles.of(env.posternHome(), old.name());
            for (Path f : files) {
                deleted += Files.deleteIfExists(f) ? 1 : 0;
            }
        } catch (IOException e) {
            env.err().println("postern: context " + old.name() + " was a login to " + old.server() + ", and its files"
                    + " for that server could not all be deleted (" + e.getMessage() + "): delete the files of the"
                    + " context under " + env.posternHome().resolve("ssh") + " by hand; its ssh configs still send"
                    + " its names to the old server's gateway");
            return;
        }
        if (deleted > 0) {
            env.out().println("Removed " + deleted + " files context " + old.name() + " kept for " + old.server()
                    + (old.fingerprint() == null ? "" : " (TLS key " + old.fingerprint() + ")") + ", another server:"
                    + " its keys, ssh configs, known_hosts and cached facts. Write its ssh configs again with"
                    + " 'postern ssh config --app A --write'.");
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true,
            description = {"Pin a new TLS key for the current login (or --context) after the server's key changed.",
                "Check the fingerprint with the server's operator first: the key is tried at once, and nothing is "
                    + "saved unless the server presents it."})
    int pin(@Option(names = "--fingerprint", required = true, paramLabel = "sha256:HEX",
                    description = "the server's new TLS key, as 'postern server' prints it") String fingerprint) {
        SavedContext context = Session.selected(env);
        Optional<Fingerprint> pin;
        try {
            pin = pin(context.server(), fingerprint);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        // a handshake with the new pin: a mistyped or wrong key is refused here (exit 3), not at the next command
        new ApiClient(context.server(), null, pin).get("/health", Void.class);
        ConfigFile file = new ConfigFile(env.posternHome());
        file.write(file.read().with(context.withPin(pin.get()), false));
        env.out().println("Pinned TLS key " + pin.get() + " for " + context.server() + " (context " + context.name()
                + (context.fingerprint() == null ? "" : "; was " + context.fingerprint()) + ")");
        return ExitCodes.OK;
    }

    /** The pin given with --fingerprint; only for https:// (plain HTTP has no key to pin). */
    private static Optional<Fingerprint> pin(String url, String fingerprint) {
        if (fingerprint == null) {
            return Optional.empty();
        }
        Fingerprint pin = Fingerprint.parse("--fingerprint", fingerprint);
        if (!url.regionMatches(true, 0, "https://", 0, 8)) {
            throw new IllegalArgumentException("--fingerprint pins a TLS key, but " + url + " is plain HTTP; use the"
                    + " https:// URL 'postern server' printed");
        }
        return Optional.of(pin);
    }

    @Command(name = "whoami", mixinStandardHelpOptions = true,
            description = "Show the logged-in person, the server and their orgs.")
    int whoami(@Option(names = "--json", description = "Print JSON.") boolean json) {
        Session session = Session.require(env);
        WhoAmI me = session.api().get("/v1/whoami", WhoAmI.class);
        PrintStream out = env.out();
        if (json) {
            Output.json(out, new WhoAmIJson(me.email(), session.config().server(), session.context().name(),
                    session.context().org(), me.orgs()));
            return ExitCodes.OK;
        }
        out.println(Printable.escape(me.email()) + " on " + session.config().server() + " (context "
                + session.context().name() + (session.context().org() == null ? "" : ", default org "
                + Printable.escape(session.context().org())) + ")");
        if (me.orgs().isEmpty()) {
            out.println("no orgs yet: create one with 'postern orgs create NAME'");
        }
        for (OrgRole org : me.orgs()) {
            out.println("  " + Printable.escape(org.org()) + " (" + Printable.escape(org.role()) + ")");
        }
        return ExitCodes.OK;
    }

    /** {@code auth whoami --json}: the server's answer with where it came from (for scripts using several logins). */
    record WhoAmIJson(String email, String server, String context, String defaultOrg, List<OrgRole> orgs) {
    }

    @Command(name = "logout", mixinStandardHelpOptions = true,
            description = "End the session on the server and forget it here.")
    int logout(@Parameters(arity = "0..1", paramLabel = "NAME",
                       description = "the context to log out of (default: --context, POSTERN_CONTEXT or the current"
                               + " one)")
               String name) {
        ConfigFile file = new ConfigFile(env.posternHome());
        SavedContexts all = file.read();
        String chosen = name != null ? name : env.variable(Session.CONTEXT_VARIABLE).orElse(all.current());
        Optional<SavedContext> saved = chosen == null ? Optional.empty() : all.find(chosen);
        if (saved.isEmpty()) {
            if (name != null || env.variable(Session.CONTEXT_VARIABLE).isPresent()) {
                throw CliException.usage("no login context '" + chosen + "'; see them with 'postern auth list'");
            }
            env.out().println("Not logged in; nothing to do.");
            return ExitCodes.OK;
        }
        ClientConfig config = saved.get().login();
        String contextName = saved.get().name();
        ApiClient api = new ApiClient(config.server(), config.token(), saved.get().pin());
        // first, while the session still works: the kept certificates (copies of them would log in for hours)
        KeptRevocation kept = KeptRevocation.revoke(api, env.posternHome(), contextName, env.clock().instant());
        List<String> problems = new java.util.ArrayList<>(kept.problems());
        try {
            api.post("/v1/auth/logout", null, Void.class);
        } catch (ApiException e) {
            if (e.status() != 401) {
                throw e;
            }
            // the session had already expired or been revoked: forgetting it locally is all that is left (and the
            // kept certificates could not be revoked with it, which the revocation above has said)
        } catch (CliException e) {
            file.write(file.read().without(contextName));
            deleteKeptFiles(contextName);
            problems.forEach(p -> env.err().println("postern: " + p));
            throw new CliException(e.exitCode(), "forgot the local session, but could not end it on the server: "
                    + e.getMessage(), e);
        }
        file.write(file.read().without(contextName));
        int deleted = deleteKeptFiles(contextName);
        problems.forEach(p -> env.err().println("postern: " + p));
        env.out().println("Logged out " + config.email() + " from " + config.server() + " (context " + contextName
                + " removed" + (deleted == 0 ? "" : ", with its kept keys, certificates, ssh configs, console plans and cached facts")
                + (kept.revoked().isEmpty() ? "" : "; revoked its kept certificates: " + String.join(", ",
                        kept.revoked())) + "; other contexts untouched)");
        // 0 even when a certificate could not be revoked: the logout itself happened, and running it again cannot
        // do more (the lines above say who can)
        return ExitCodes.OK;
    }

    /**
     * Deletes the context's kept keys and certificates (8 hours each, usable by stock ssh through 'ssh config'
     * files), its ssh configs, the launcher's OpenSSH plans made with it, and its cached facts: a logout leaves nothing
     * here that still logs in, and nothing that piles up. Links are deleted, never followed. Returns how many files
     * were deleted.
     */
    private int deleteKeptFiles(String contextName) {
        int deleted = 0;
        try {
            for (Path f : ContextFiles.of(env.posternHome(), contextName)) {
                deleted += Files.deleteIfExists(f) ? 1 : 0;
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "logged out, but could not delete the kept keys of context "
                    + contextName + " under " + env.posternHome().resolve("ssh") + ": " + e.getMessage()
                    + "; delete its id_* files by hand", e);
        }
        return deleted;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the saved logins (contexts); '*' marks the current one. Never shows tokens.")
    int list(@Option(names = "--json", description = "Print JSON.") boolean json) {
        SavedContexts all = new ConfigFile(env.posternHome()).read();
        List<ContextView> views = all.contexts().stream().map(c -> new ContextView(c.name(), c.server(), c.email(),
                c.org(), c.name().equals(all.current()))).toList();
        if (json) {
            Output.json(env.out(), views);
        } else if (views.isEmpty()) {
            env.out().println("No saved logins; log in with 'postern auth login --server URL --token T'.");
        } else {
            Output.table(env.out(), List.of("CURRENT", "NAME", "SERVER", "EMAIL", "ORG"), views.stream()
                    .map(v -> List.of(v.current() ? "*" : "", v.name(), v.server(), v.email(),
                            v.org() == null ? "" : v.org())).collect(Collectors.toList()));
        }
        return ExitCodes.OK;
    }

    @Command(name = "use", mixinStandardHelpOptions = true, description = "Make a saved login the current one.")
    int use(@Parameters(paramLabel = "NAME", description = "a name from 'postern auth list'") String name) {
        ConfigFile file = new ConfigFile(env.posternHome());
        SavedContexts all = file.read();
        if (all.find(name).isEmpty()) {
            throw CliException.usage("no login context '" + name + "'" + (all.contexts().isEmpty() ? ""
                    : "; saved: " + String.join(", ", all.names())));
        }
        file.write(all.withCurrent(name));
        env.out().println("Now using context " + name + " (" + all.find(name).get().server() + ").");
        return ExitCodes.OK;
    }

    /** A context as {@code auth list --json} prints it: no token. */
    public record ContextView(String name, String server, String email, String org, boolean current) {
    }
}
