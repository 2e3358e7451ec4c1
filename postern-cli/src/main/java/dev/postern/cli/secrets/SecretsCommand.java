package dev.postern.cli.secrets;

import dev.postern.cli.OrgHelp;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Session;
import dev.postern.cli.orgs.Names;
import dev.postern.common.api.SecretsChangeRequest;
import dev.postern.common.api.SecretsView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code postern secrets set|import|list|unset|deploy --app A}: environment variables for an app's entrypoint and
 * sessions, sealed on the server and delivered to its machines through their tunnels. Owners and admins only.
 * Nothing here ever prints a value.
 */
@Command(name = "secrets", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Set, list and deploy an app's secrets (environment variables of its entrypoint and sessions).")
public final class SecretsCommand implements Runnable {
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public SecretsCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set secrets as one new version, deployed at once unless --stage (machines restart their"
                    + " entrypoint). NAME=- reads the value from stdin (at a terminal: typed, not shown), NAME=@FILE"
                    + " from a file: both keep it out of 'ps', which NAME=VALUE does not.")
    int set(@Option(names = "--app", required = true, paramLabel = "A", description = "the app") String app,
            @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG_OF_APP) String org,
            @Option(names = "--stage", description = "Record the change without deploying it.") boolean stage,
            @Parameters(paramLabel = "NAME=VALUE", arity = "1..*") List<String> pairs) {
        Map<String, String> values = SecretArgs.parse(pairs, env.in(), HiddenInput.of(env));
        return change(app, org, new SecretsChangeRequest(values, List.of(), stage), "Set " + values.size());
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Set the secrets of a dotenv file read from stdin (NAME=VALUE lines) as one new version.")
    int importEnv(@Option(names = "--app", required = true, paramLabel = "A", description = "the app") String app,
                  @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG_OF_APP) String org,
                  @Option(names = "--stage", description = "Record the change without deploying it.") boolean stage) {
        Map<String, String> values = DotEnv.parse(SecretArgs.read(env.in(), "stdin"));
        if (values.isEmpty()) {
            throw dev.postern.cli.CliException.usage("stdin holds no NAME=VALUE line; pipe a dotenv file in:"
                    + " 'postern secrets import --app " + app + " < .env'");
        }
        return change(app, org, new SecretsChangeRequest(values, List.of(), stage), "Imported " + values.size());
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Remove secrets (a new version).")
    int unset(@Option(names = "--app", required = true, paramLabel = "A", description = "the app") String app,
              @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG_OF_APP) String org,
              @Option(names = "--stage", description = "Record the change without deploying it.") boolean stage,
              @Parameters(paramLabel = "NAME", arity = "1..*") List<String> names) {
        List<String> checked = new ArrayList<>();
        names.forEach(n -> checked.add(SecretArgs.checkName(n)));
        return change(app, org, new SecretsChangeRequest(Map.of(), checked, stage), "Unset " + checked.size());
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Deploy the staged changes: the app's machines restart their entrypoint with them.")
    int deploy(@Option(names = "--app", required = true, paramLabel = "A", description = "the app") String app,
               @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG_OF_APP) String org) {
        String a = Names.check("--app", app);
        Session session = Session.require(env);
        String o = session.orgForApp(org, a, "postern secrets deploy --app " + a + " --org ORG");
        SecretsView view = session.api().post(path(o, a) + "/deploy", Map.of(), SecretsView.class);
        env.out().println("Deployed version " + view.deployedVersion() + " of app " + a + "'s secrets; its machines"
                + " restart their entrypoint with them.");
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List an app's secrets: name, version, digest, state, who set it when. Never values.")
    int list(@Option(names = "--app", required = true, paramLabel = "A", description = "the app") String app,
             @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG_OF_APP) String org,
             @Option(names = "--json", description = "Print JSON.") boolean json) {
        String a = Names.check("--app", app);
        Session session = Session.require(env);
        String o = session.orgForApp(org, a, "postern secrets list --app " + a + " --org ORG");
        SecretsView view = session.api().get(path(o, a), SecretsView.class);
        if (json) {
            Output.json(env.out(), view);
        } else if (view.secrets().isEmpty()) {
            env.out().println("App " + a + " has no secrets; set one with 'postern secrets set --app " + a
                    + " NAME=-' (value from stdin).");
        } else {
            Output.table(env.out(), List.of("NAME", "VERSION", "DIGEST", "STATE", "SET BY", "SET AT"),
                    view.secrets().stream().map(s -> List.of(s.name(), Long.toString(s.version()),
                            s.digest() == null ? "-" : s.digest(), s.state(), s.setBy(), Output.time(s.setAt())))
                            .collect(Collectors.toList()));
            env.out().println("Deployed version " + view.deployedVersion() + ", latest " + view.latestVersion()
                    + (view.latestVersion() > view.deployedVersion()
                    ? "; deploy the staged changes with 'postern secrets deploy --app " + a + "'" : "") + ".");
        }
        return ExitCodes.OK;
    }

    private int change(String app, String org, SecretsChangeRequest request, String done) {
        String a = Names.check("--app", app);
        Session session = Session.require(env);
        String o = session.orgForApp(org, a, "postern secrets set --app " + a + " --org ORG");
        SecretsView view = session.api().post(path(o, a), request, SecretsView.class);
        env.out().println(done + " secret(s) of app " + a + ": version " + view.latestVersion() + ", "
                + (request.stage() ? "staged; deploy with 'postern secrets deploy --app " + a + "'."
                : "deployed; its machines restart their entrypoint with them."));
        return ExitCodes.OK;
    }

    private static String path(String org, String app) {
        return "/v1/orgs/" + ApiClient.segment(org) + "/apps/" + ApiClient.segment(app) + "/secrets";
    }
}
