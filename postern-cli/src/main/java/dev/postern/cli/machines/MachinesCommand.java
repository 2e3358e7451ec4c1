package dev.postern.cli.machines;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.Session;
import dev.postern.cli.orgs.Names;
import dev.postern.common.api.MachineView;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code postern machines list --app A [--org O] [--json]}: an app's machines and whether they are online. */
@Command(name = "machines", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "List the machines that joined an app.")
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
             @Option(names = "--org", paramLabel = "O", description = "default: your only org") String org,
             @Option(names = "--json", description = "Print JSON.") boolean json) {
        String a = Names.check("--app", app);
        Session session = Session.require(env);
        String o = session.orgForApp(org, a, "postern machines list --app " + a + " --org ORG");
        List<MachineView> machines = Machines.list(session, o, a);
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
}
