package dev.postern.cli.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.MissingSubcommandException;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Session;
import dev.postern.common.api.AuditView;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code postern audit log}: who did what, when, from where; newest first. {@code postern audit config}
 * ({@link AuditConfigCommand}): a local audit of a fly.toml and Dockerfile.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
        subcommands = AuditConfigCommand.class,
        description = "Read the audit trail of CA, certificate, member and token actions; audit an app's config.")
public final class AuditCommand implements Runnable {
    static final int MAX_LIMIT = 10_000;
    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    public AuditCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public void run() {
        throw new MissingSubcommandException(spec.commandLine());
    }

    @Command(name = "log", mixinStandardHelpOptions = true,
            description = "List audit records, newest first (without --org: every org; server admins only).")
    int log(@Option(names = "--org", paramLabel = "O", description = "only this org's records (default: every org)")
            String org,
            @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                    description = "at most N records, 1.." + MAX_LIMIT + " (default: ${DEFAULT-VALUE})") String limit,
            @Option(names = "--json", description = "Print JSON.") boolean json) {
        int n = limit(limit);
        Session session = Session.require(env);
        StringBuilder path = new StringBuilder("/v1/audit?limit=").append(n);
        if (org != null && !org.isBlank()) {
            path.append("&org=").append(ApiClient.segment(org.trim()));
        }
        List<AuditView> records = session.api().get(path.toString(), new TypeReference<List<AuditView>>() { });
        if (json) {
            Output.json(env.out(), records);
        } else {
            Output.table(env.out(), List.of("ID", "AT", "ACTOR", "ORG", "ACTION", "TARGET", "SOURCE", "DETAIL"),
                    records.stream().map(r -> List.of(Long.toString(r.id()), Output.time(r.at()), nz(r.actor()),
                            nz(r.org()), nz(r.action()), nz(r.target()), nz(r.source()), nz(r.detail())))
                            .collect(Collectors.toList()));
        }
        return ExitCodes.OK;
    }

    static int limit(String text) {
        String t = text == null ? "" : text.trim();
        if (!t.matches("[0-9]{1,9}") || Integer.parseInt(t) < 1 || Integer.parseInt(t) > MAX_LIMIT) {
            throw CliException.usage("--limit '" + text + "' must be a whole number from 1 to " + MAX_LIMIT);
        }
        return Integer.parseInt(t);
    }

    private static String nz(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
