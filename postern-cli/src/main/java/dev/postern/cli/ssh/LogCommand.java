package dev.postern.cli.ssh;

import dev.postern.cli.OrgHelp;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Session;
import dev.postern.common.api.CertificateView;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postern ssh log [ORG] [--json]}: the org's certificate log (members see their own). */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = "List issued certificates: serial, key id, principals, validity, issuer, revoked.")
final class LogCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Parameters(arity = "0..1", paramLabel = "ORG", description = OrgHelp.ORG)
    String org;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    LogCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Session session = Session.require(env);
        String o = session.org(org, "postern ssh log ORG");
        List<CertificateView> certs = session.api().get("/v1/orgs/" + ApiClient.segment(o) + "/certificates",
                new TypeReference<List<CertificateView>>() { });
        if (json) {
            Output.json(env.out(), certs);
            return ExitCodes.OK;
        }
        if (certs.isEmpty()) {
            env.out().println("No certificates in " + o + " yet; 'postern ssh issue " + o + " PATH' issues one.");
            return ExitCodes.OK;
        }
        Output.table(env.out(), List.of("SERIAL", "KEY ID", "PRINCIPALS", "VALID AFTER", "VALID BEFORE", "ISSUER",
                "REVOKED"), certs.stream().map(c -> List.of(Long.toString(c.serial()), c.keyId(),
                        String.join(",", c.principals()), Output.time(c.validAfter()), Output.time(c.validBefore()),
                        c.issuedBy(), c.revoked() ? Output.time(c.revokedAt()) + " by " + c.revokedBy() : "no"))
                .collect(Collectors.toList()));
        return ExitCodes.OK;
    }
}
