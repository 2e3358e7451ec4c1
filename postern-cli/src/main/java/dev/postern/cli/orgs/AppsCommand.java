package dev.postern.cli.orgs;

import dev.postern.cli.OrgHelp;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Session;
import dev.postern.common.api.AppView;
import dev.postern.common.api.CreateAppRequest;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code postern apps create|list}: the groups of machines inside an org. */
@Command(name = "apps", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Create, list and delete the apps of an org.")
public final class AppsCommand implements Runnable {
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public AppsCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an app.")
    int create(@Parameters(paramLabel = "NAME", description = "lower-case letters, digits and '-'") String name,
               @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org) {
        String checked = Names.check("app name", name);
        Session session = Session.require(env);
        String o = session.org(org, "postern apps create " + checked + " --org ORG");
        session.api().post("/v1/orgs/" + ApiClient.segment(o) + "/apps", new CreateAppRequest(checked),
                AppView.class);
        // the names we asked for: the answer's reach the terminal only checked (these are)
        env.out().println("Created app " + checked + " in org " + Output.safe(o) + ".");
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an org's apps.")
    int list(@Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
             @Option(names = "--json", description = "Print JSON.") boolean json) {
        Session session = Session.require(env);
        String o = session.org(org, "postern apps list --org ORG");
        List<AppView> apps = session.api().get("/v1/orgs/" + ApiClient.segment(o) + "/apps",
                new TypeReference<List<AppView>>() { });
        if (json) {
            Output.json(env.out(), apps);
        } else if (apps.isEmpty()) {
            env.out().println("No apps in " + o + " yet; create one with 'postern apps create NAME --org " + o + "'.");
        } else {
            Output.table(env.out(), List.of("NAME", "ORG", "CREATED"), apps.stream()
                    .map(a -> List.of(a.name(), a.org(), Output.time(a.createdAt()))).collect(Collectors.toList()));
        }
        return ExitCodes.OK;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete an app. Refused while it has machines, unless --force, which removes them"
                    + " ('postern machines remove': host keys revoked, sessions ended).", "Owners only; audited."})
    int delete(@Parameters(paramLabel = "NAME", description = "the app") String name,
               @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org,
               @Option(names = "--force", description = "Remove its machines too.") boolean force) {
        String checked = Names.check("app name", name);
        Session session = Session.require(env);
        String o = session.org(org, "postern apps delete " + checked + " --org ORG");
        session.api().delete("/v1/orgs/" + ApiClient.segment(o) + "/apps/" + ApiClient.segment(checked)
                + (force ? "?force=true" : ""));
        env.out().println("Deleted app " + checked + " from org " + o + ".");
        return ExitCodes.OK;
    }
}
