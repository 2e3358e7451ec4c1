package dev.postern.cli.machines;

import dev.postern.cli.OrgHelp;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.Session;
import dev.postern.cli.client.SharedServer;
import dev.postern.cli.orgs.Names;
import dev.postern.common.api.CreateJoinTokenRequest;
import dev.postern.common.api.JoinTokenSummary;
import dev.postern.common.api.JoinTokenView;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.List;
import java.util.stream.Collectors;
import java.io.PrintStream;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code postern tokens create machine --app A [--org O] [--uses N] [--ttl 1h]}: join tokens for agents. */
@Command(name = "tokens", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Machine join tokens: 'tokens create machine' lets agents join an app; 'list' and "
                + "'revoke' manage them.")
public final class TokensCommand implements Runnable {
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public TokensCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a machine join token (shown once).",
                "Run the printed 'postern agent' line on each machine that should join the app."})
    int create(@Parameters(paramLabel = "KIND", description = "what the token is for: machine") String kind,
               @Option(names = "--app", required = true, paramLabel = "A", description = "the app machines join") String app,
               @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG_OF_APP) String org,
               @Option(names = "--uses", paramLabel = "N", defaultValue = "1",
                       description = "how many machines may join with it, 1..1000 (default ${DEFAULT-VALUE})") int uses,
               @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h",
                       description = "how long it is valid: 30m, 1h, 7d, ... up to 30d (default ${DEFAULT-VALUE})")
               String ttl,
               @Option(names = "--json", description = "Print JSON: id, token, org, app, uses, expiresAt, "
                       + "agentCommand.") boolean json) {
        if (!"machine".equals(kind)) {
            throw CliException.usage("unknown token kind '" + kind + "'; the only kind is 'machine', e.g. "
                    + "'postern tokens create machine --app web'");
        }
        if (uses < 1 || uses > 1000) {
            throw CliException.usage("--uses " + uses + " is out of range; a token admits 1 to 1000 machines");
        }
        Ttl t = Ttl.parse(ttl);
        String a = Names.check("--app", app);
        Session session = Session.require(env);
        String o = session.orgForApp(org, a, "postern tokens create machine --app " + a + " --org ORG");
        JoinTokenView token = session.api().post("/v1/orgs/" + ApiClient.segment(o) + "/apps/" + ApiClient.segment(a)
                + "/join-tokens", new CreateJoinTokenRequest(uses, t.seconds()), JoinTokenView.class);
        // the token is printed inside a shell command line the person copies: nothing but pjt_ and base64url
        String secret = ServerAnswers.of(session.api()).token("join token", token == null ? null : token.token(),
                "pjt_");
        SharedServer server = SharedServer.of(session);
        String agent = "POSTERN_JOIN_TOKEN=" + secret + " postern agent --server " + server.url() + server.pinFlag()
                + " --data /var/lib/postern";
        // id 0: a server from before the id was part of the answer; 'tokens list' shows it
        String revoke = token.id() > 0 ? "postern tokens revoke " + token.id()
                : "postern tokens list --app " + a + " --org " + o + "', then 'postern tokens revoke ID";
        PrintStream out = env.out();
        if (json) {
            Output.json(out, new Created(token.id() > 0 ? token.id() : null, secret, o, a, token.uses(),
                    token.expiresAt(), agent));
            return ExitCodes.OK;
        }
        out.println("Join token " + (token.id() > 0 ? token.id() + " " : "") + "for app " + a + " in org " + o + " ("
                + token.uses() + (token.uses() == 1 ? " machine" : " machines") + ", expires "
                + Output.time(token.expiresAt()) + "):");
        out.println(secret);
        out.println();
        out.println("On the machine, run:");
        out.println(agent);
        out.println();
        out.println("To revoke it before it is used up: '" + revoke + "'");
        return ExitCodes.OK;
    }

    /** What {@code tokens create --json} prints; {@code id} null when the server did not say. */
    record Created(Long id, String token, String org, String app, int uses, Instant expiresAt,
                   String agentCommand) {
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List an app's machine join tokens: id, uses left, expiry, who made them, state. "
                    + "Never the token itself (it is shown once, at creation).")
    int list(@Option(names = "--app", required = true, paramLabel = "A") String app,
             @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG_OF_APP) String org,
             @Option(names = "--json", description = "Print JSON.") boolean json) {
        String a = Names.check("--app", app);
        Session session = Session.require(env);
        String o = session.orgForApp(org, a, "postern tokens list --app " + a + " --org ORG");
        List<JoinTokenSummary> tokens = session.api().get("/v1/orgs/" + ApiClient.segment(o) + "/apps/"
                + ApiClient.segment(a) + "/join-tokens", new TypeReference<List<JoinTokenSummary>>() { });
        if (json) {
            Output.json(env.out(), tokens);
        } else if (tokens.isEmpty()) {
            env.out().println("No join tokens for app " + a + " in org " + o + ".");
        } else {
            Output.table(env.out(), List.of("ID", "APP", "USES LEFT", "EXPIRES", "CREATED BY", "CREATED", "STATE"),
                    tokens.stream().map(t -> List.of(String.valueOf(t.id()), t.app(), String.valueOf(t.usesLeft()),
                            Output.time(t.expiresAt()), t.createdBy(), Output.time(t.createdAt()), t.state()))
                            .collect(Collectors.toList()));
        }
        return ExitCodes.OK;
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a machine join token by id ('postern tokens list'): no machine can join with it "
                    + "any more. Machines that joined with it stay.")
    int revoke(@Parameters(paramLabel = "ID", description = "the id from 'postern tokens list'") String id) {
        if (!id.trim().matches("[0-9]{1,18}")) {
            throw CliException.usage("token id '" + (id.length() > 24 ? id.substring(0, 24) + "..." : id)
                    + "' is not a number; see the ids with 'postern tokens list --app APP'");
        }
        Session session = Session.require(env);
        JoinTokenSummary t = session.api().delete("/v1/join-tokens/" + id.trim(), JoinTokenSummary.class);
        env.out().println("Revoked join token " + t.id() + " of app " + Output.safe(t.app()) + " in org "
                + Output.safe(t.org()) + " ("
                + t.usesLeft() + (t.usesLeft() == 1 ? " use" : " uses") + " were left). Machines that joined with"
                + " it stay; remove those separately.");
        return ExitCodes.OK;
    }
}
