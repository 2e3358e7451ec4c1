package dev.postern.cli.machines;

import dev.postern.cli.OrgHelp;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.DidYouMean;
import dev.postern.cli.client.Session;
import dev.postern.cli.orgs.Names;
import dev.postern.common.api.AppView;
import dev.postern.common.api.MachineView;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code postern machines list --app A [--org O] [--all] [--json]}: an app's machines and whether they are online;
 * {@code postern machines remove ID [--app A]}: takes a machine out for good.
 */
@Command(name = "machines", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "List the machines that joined an app, or remove one.")
public final class MachinesCommand implements Runnable {
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public MachinesCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List an app's machines: id, region, address, state (online while its tunnel is up), last seen.")
    int list(@Option(names = "--app", required = true, paramLabel = "A", description = "the app") String app,
             @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG_OF_APP) String org,
             @Option(names = "--all", description = "Include removed machines (state removed).") boolean all,
             @Option(names = "--json", description = "Print JSON.") boolean json) {
        String a = Names.check("--app", app);
        Session session = Session.require(env);
        List<MachineView> machines = session.withOrgForApp(org, a, "postern machines list --app " + a + " --org ORG",
                o -> all ? Machines.listAll(session, o, a) : Machines.list(session, o, a));
        if (json) {
            Output.json(env.out(), machines);
        } else if (machines.isEmpty()) {
            env.out().println("No machines in app " + a + " yet; let one join with the line printed by "
                    + "'postern tokens create machine --app " + a + "'.");
        } else {
            Output.table(env.out(), List.of("ID", "REGION", "ADDRESS", "STATE", "LAST SEEN"), machines.stream()
                    .map(m -> List.of(m.id(), m.region(), m.address(), m.state(), Output.time(m.lastSeen())))
                    .collect(Collectors.toList()));
        }
        return ExitCodes.OK;
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove a machine for good: its host key is revoked, its tunnel and every session through it"
                    + " end at once, and it can neither tunnel nor join again with that identity.",
                "Owners and admins only; audited."})
    int remove(@Parameters(paramLabel = "ID", description = "the machine id ('postern machines list')") String id,
               @Option(names = "--app", paramLabel = "A", description = "its app (default: found by id)") String app,
               @Option(names = "--org", paramLabel = "O", description = OrgHelp.ORG) String org) {
        if (id == null || !id.matches("[a-z0-9-]{1,63}")) {
            throw CliException.usage("machine id '" + id + "' is not valid; copy it from 'postern machines list'");
        }
        Session session = Session.require(env);
        String o = session.org(org, "postern machines remove " + id + " --org ORG");
        String a = app != null ? Names.check("--app", app) : appOf(session, o, id);
        session.api().delete("/v1/orgs/" + ApiClient.segment(o) + "/apps/" + ApiClient.segment(a) + "/machines/"
                + ApiClient.segment(id));
        env.out().println("Removed machine " + id + " from app " + a + ": its host key is revoked and its sessions"
                + " ended. 'postern machines list --app " + a + " --all' still shows it.");
        return ExitCodes.OK;
    }

    private static String appOf(Session session, String org, String id) {
        List<AppView> apps = session.api().get("/v1/orgs/" + ApiClient.segment(org) + "/apps",
                new TypeReference<List<AppView>>() { });
        List<String> ids = new ArrayList<>();
        for (AppView app : apps) {
            List<MachineView> machines = Machines.list(session, org, app.name());
            if (machines.stream().anyMatch(m -> m.id().equals(id))) {
                return app.name();
            }
            machines.forEach(m -> ids.add(m.id()));
        }
        throw CliException.usage("no machine '" + id + "' in any app of org '" + org + "'; see 'postern machines list"
                + " --app APP'" + DidYouMean.suffix(id, ids));
    }
}
