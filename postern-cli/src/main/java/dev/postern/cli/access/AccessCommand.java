package dev.postern.cli.access;

import dev.postern.cli.OrgHelp;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Session;
import dev.postern.common.Logins;
import dev.postern.common.api.AccessCheckRequest;
import dev.postern.common.api.AccessCheckView;
import dev.postern.common.api.AccessGrantView;
import dev.postern.common.api.GrantAccessRequest;
import dev.postern.common.api.RevokeAccessResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code postern access grant|revoke|list|check}: which members may SSH to which app as which logins. Owners and
 * admins reach every app; members only what they are granted.
 */
@Command(name = "access", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Grant, revoke, list and check members' SSH access to apps.")
public final class AccessCommand implements Runnable {
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public AccessCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "grant", mixinStandardHelpOptions = true,
            description = "Let a member reach an app's machines as the given logins (replaces their grant on it).")
    int grant(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
              @Option(names = "--app", required = true, paramLabel = "A") String app,
              @Option(names = "--email", required = true, paramLabel = "E") String email,
              @Option(names = "--logins", required = true, paramLabel = "L,...", split = ",",
                      description = "the accounts they may use, e.g. app,deploy (never root or a system account)")
              List<String> logins) {
        List<String> checked = new ArrayList<>();
        for (String l : logins) {
            try {
                checked.add(Logins.checkPersonal(l.trim()));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--logins: " + e.getMessage());
            }
        }
        Session session = Session.require(env);
        String o = session.org(org, "postern access grant --org ORG --app " + app + " --email " + email);
        AccessGrantView g = session.api().post(path(o, app), new GrantAccessRequest(email.trim(), checked),
                AccessGrantView.class);
        env.out().println("Granted " + Output.safe(g.email()) + " access to app " + Output.safe(g.app()) + " in " + o
                + " as " + Output.safe(String.join(",", g.logins())) + ".");
        return ExitCodes.OK;
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Take a member's access to an app away; their live sessions there end and their"
                    + " certificates in the org are revoked.")
    int revoke(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
               @Option(names = "--app", required = true, paramLabel = "A") String app,
               @Option(names = "--email", required = true, paramLabel = "E") String email) {
        Session session = Session.require(env);
        String o = session.org(org, "postern access revoke --org ORG --app " + app + " --email " + email);
        RevokeAccessResponse r = session.api().delete(path(o, app) + "/" + ApiClient.segment(email.trim()),
                RevokeAccessResponse.class);
        env.out().println("Revoked " + Output.safe(r.email()) + "'s access to app " + Output.safe(r.app()) + " in " + o
                + "; " + r.connectionsEnded() + " live connection(s) ended, " + r.revokedSerials().size()
                + " certificate(s) revoked" + (r.revokedSerials().isEmpty() ? "" : " " + r.revokedSerials()) + ".");
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List access grants (members see their own).")
    int list(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
             @Option(names = "--app", paramLabel = "A", description = "only this app") String app,
             @Option(names = "--json", description = "Print JSON.") boolean json) {
        Session session = Session.require(env);
        String o = session.org(org, "postern access list --org ORG");
        List<AccessGrantView> grants = session.api().get(app == null ? "/v1/orgs/" + ApiClient.segment(o) + "/access"
                : path(o, app), new TypeReference<List<AccessGrantView>>() { });
        if (json) {
            Output.json(env.out(), grants);
        } else {
            Output.table(env.out(), List.of("APP", "EMAIL", "LOGINS", "GRANTED BY", "GRANTED"), grants.stream()
                    .map(g -> Arrays.asList(g.app(), g.email(), String.join(",", g.logins()), g.grantedBy(),
                            Output.time(g.grantedAt())))
                    .collect(Collectors.toList()));
        }
        return ExitCodes.OK;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Say whether a person may reach an app (or one machine) as a login, and why; connects to"
                    + " nothing. Exit 0 yes, 1 no.")
    int check(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
              @Option(names = "--app", required = true, paramLabel = "A") String app,
              @Option(names = "--email", paramLabel = "E", description = "default: you") String email,
              @Option(names = "--machine", paramLabel = "ID") String machine,
              @Option(names = "--login", required = true, paramLabel = "L") String login) {
        Session session = Session.require(env);
        String o = session.org(org, "postern access check --org ORG --app " + app + " --login " + login);
        AccessCheckView v = session.api().post(path(o, app) + "/check",
                new AccessCheckRequest(email == null ? null : email.trim(), login.trim(), machine),
                AccessCheckView.class);
        env.out().println((v.allowed() ? "yes: " : "no: ") + Output.safe(v.reason()));
        return v.allowed() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private static String path(String org, String app) {
        return "/v1/orgs/" + ApiClient.segment(org) + "/apps/" + ApiClient.segment(app) + "/access";
    }
}
