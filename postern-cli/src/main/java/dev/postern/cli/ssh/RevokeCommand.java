package dev.postern.cli.ssh;

import dev.postern.cli.OrgHelp;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Session;
import dev.postern.cli.orgs.Emails;
import dev.postern.common.api.RevokeRequest;
import dev.postern.common.api.RevokeResponse;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postern ssh revoke [ORG] --serial N | --email E}. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke one certificate by serial, or every certificate of a person.",
            "Machines running stock sshd pick it up from GET /v1/orgs/ORG/revocations.krl (RevokedKeys)."})
final class RevokeCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Parameters(arity = "0..1", paramLabel = "ORG", description = OrgHelp.ORG)
    String org;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--serial", paramLabel = "N", description = "the serial shown by 'postern ssh log'")
        Long serial;

        @Option(names = "--email", paramLabel = "E", description = "every unrevoked certificate of this person")
        String email;
    }

    RevokeCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (which.serial != null && which.serial < 0) {
            throw CliException.usage("--serial " + which.serial + " is not a serial; see 'postern ssh log'");
        }
        String email = which.email == null ? null : Emails.check(which.email);
        Session session = Session.require(env);
        String o = session.org(org, "postern ssh revoke ORG ...");
        RevokeResponse revoked = session.api().post("/v1/orgs/" + ApiClient.segment(o) + "/revocations",
                new RevokeRequest(which.serial, email), RevokeResponse.class);
        if (revoked.serials().isEmpty()) {
            env.out().println("Nothing to revoke: no unrevoked certificate matched in " + o + ".");
        } else {
            env.out().println("Revoked in " + o + ": serial " + revoked.serials().stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + ". Machines with stock sshd need the new KRL: "
                    + session.config().server() + "/v1/orgs/" + ApiClient.segment(o) + "/revocations.krl");
        }
        return ExitCodes.OK;
    }
}
