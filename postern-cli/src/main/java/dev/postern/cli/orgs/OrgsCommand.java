package dev.postern.cli.orgs;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.CliException;
import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.client.SavedContexts;
import dev.postern.cli.client.Session;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.OrgView;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code postern orgs create|list}. */
@Command(name = "orgs", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        description = "Create, list and delete organizations.")
public final class OrgsCommand implements Runnable {
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public OrgsCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an org; you become its owner.")
    int create(@Parameters(paramLabel = "NAME", description = "lower-case letters, digits and '-'") String name) {
        String checked = Names.check("org name", name);
        Session session = Session.require(env);
        OrgView org = session.api().post("/v1/orgs", new CreateOrgRequest(checked), OrgView.class);
        // the name we asked for, not the answer's: a hostile control plane's name would reach a printed command line
        env.out().println("Created org " + checked + " (you are " + Output.safe(org.role()) + "). Next: 'postern ssh "
                + "establish " + checked + "' creates its SSH certificate authority.");
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the orgs you belong to.")
    int list(@Option(names = "--json", description = "Print JSON.") boolean json) {
        List<OrgView> orgs = Session.require(env).api().get("/v1/orgs", new TypeReference<List<OrgView>>() { });
        if (json) {
            Output.json(env.out(), orgs);
        } else if (orgs.isEmpty()) {
            env.out().println("No orgs yet; create one with 'postern orgs create NAME'.");
        } else {
            Output.table(env.out(), List.of("NAME", "ROLE", "CA", "CREATED"), orgs.stream()
                    .map(o -> List.of(o.name(), o.role(), o.hasCa() ? "yes" : "no", Output.time(o.createdAt())))
                    .collect(Collectors.toList()));
        }
        return ExitCodes.OK;
    }

    @Command(name = "use", mixinStandardHelpOptions = true,
            description = {"Set the org commands use when they are given no --org, for this login context only.",
                "POSTERN_ORG wins over it; '--clear' forgets it."})
    int use(@Parameters(arity = "0..1", paramLabel = "ORG", description = "one of 'postern orgs list'") String name,
            @Option(names = "--clear", description = "Forget the default org.") boolean clear) {
        if (clear == (name != null)) {
            throw CliException.usage("give an ORG or --clear, e.g. 'postern orgs use acme'");
        }
        Session session = Session.require(env);
        String org = null;
        if (!clear) {
            org = Names.check("org name", name);
            List<OrgView> orgs = session.api().get("/v1/orgs", new TypeReference<List<OrgView>>() { });
            String wanted = org;
            if (orgs.stream().noneMatch(o -> o.name().equals(wanted))) {
                throw CliException.usage("you are not a member of org '" + org + "'"
                        + (orgs.isEmpty() ? "" : "; yours: " + orgs.stream().map(OrgView::name)
                        .collect(Collectors.joining(", "))));
            }
        }
        ConfigFile file = new ConfigFile(env.posternHome());
        SavedContexts all = file.read();
        file.write(all.with(session.context().withOrg(org), false));
        env.out().println(clear ? "No default org for context " + session.context().name() + "."
                : "Default org for context " + session.context().name() + " is now " + org + ".");
        return ExitCodes.OK;
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete an org with its CA, members and certificate log (the audit trail stays). Refused"
                    + " while it has apps, unless --force, which deletes them and removes their machines.",
                "Owners only; audited."})
    int delete(@Parameters(paramLabel = "NAME", description = "the org") String name,
               @Option(names = "--force", description = "Delete its apps and remove their machines too.")
               boolean force) {
        String checked = Names.check("org name", name);
        Session.require(env).api().delete("/v1/orgs/" + ApiClient.segment(checked) + (force ? "?force=true" : ""));
        env.out().println("Deleted org " + checked + ".");
        return ExitCodes.OK;
    }
}
