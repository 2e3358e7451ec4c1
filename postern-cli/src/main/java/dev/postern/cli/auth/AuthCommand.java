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
import dev.postern.cli.client.Session;
import dev.postern.common.api.LoginResponse;
import dev.postern.common.api.OrgRole;
import dev.postern.common.api.WhoAmI;
import java.io.PrintStream;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code postern auth login|whoami|logout}: the session kept in {@code $POSTERN_HOME/config.json}. */
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
                      description = "e.g. http://127.0.0.1:7070") String server,
              @Option(names = "--token", required = true, paramLabel = "T", description = "the one-time token")
              String token) {
        String url;
        try {
            url = ClientConfig.normalizeServer(server);
            ServerUrls.requireSafe(url, env.variables().get(ServerUrls.ALLOW_HTTP));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (token.isBlank()) {
            throw CliException.usage("--token is empty; pass the one-time token you were given");
        }
        LoginResponse session;
        try {
            session = new ApiClient(url, token.trim()).post("/v1/auth/login", null, LoginResponse.class);
        } catch (ApiException e) {
            if (e.status() == 401) {
                throw new CliException(ExitCodes.AUTH, url + " did not accept that token (" + e.serverError()
                        + "); one-time tokens work once and expire: ask an org admin for a new invite "
                        + "('postern members add --org O --email E')");
            }
            throw e;
        }
        // the token goes into every later request's Authorization header, the e-mail into messages
        ServerAnswers answers = ServerAnswers.of(new ApiClient(url, null));
        String sessionToken = answers.token("session token", session == null ? null : session.token(), "pst_");
        String email = answers.text("e-mail", session.email());
        ConfigFile file = new ConfigFile(env.posternHome());
        file.save(new ClientConfig(url, email, sessionToken));
        env.out().println("Logged in to " + url + " as " + email + " (session valid until "
                + Output.time(session.expiresAt()) + "; saved in " + file.path() + ")");
        return ExitCodes.OK;
    }

    @Command(name = "whoami", mixinStandardHelpOptions = true,
            description = "Show the logged-in person, the server and their orgs.")
    int whoami(@Option(names = "--json", description = "Print JSON.") boolean json) {
        Session session = Session.require(env);
        WhoAmI me = session.api().get("/v1/whoami", WhoAmI.class);
        PrintStream out = env.out();
        if (json) {
            Output.json(out, me);
            return ExitCodes.OK;
        }
        out.println(Printable.escape(me.email()) + " on " + session.config().server());
        if (me.orgs().isEmpty()) {
            out.println("no orgs yet: create one with 'postern orgs create NAME'");
        }
        for (OrgRole org : me.orgs()) {
            out.println("  " + Printable.escape(org.org()) + " (" + Printable.escape(org.role()) + ")");
        }
        return ExitCodes.OK;
    }

    @Command(name = "logout", mixinStandardHelpOptions = true,
            description = "End the session on the server and forget it here.")
    int logout() {
        ConfigFile file = new ConfigFile(env.posternHome());
        Optional<ClientConfig> saved = file.load();
        if (saved.isEmpty()) {
            env.out().println("Not logged in; nothing to do.");
            return ExitCodes.OK;
        }
        ClientConfig config = saved.get();
        try {
            new ApiClient(config.server(), config.token()).post("/v1/auth/logout", null, Void.class);
        } catch (ApiException e) {
            if (e.status() != 401) {
                throw e;
            }
            // the session had already expired or been revoked: forgetting it locally is all that is left
        } catch (CliException e) {
            file.delete();
            throw new CliException(e.exitCode(), "forgot the local session, but could not end it on the server: "
                    + e.getMessage(), e);
        }
        file.delete();
        env.out().println("Logged out " + config.email() + " from " + config.server());
        return ExitCodes.OK;
    }
}
