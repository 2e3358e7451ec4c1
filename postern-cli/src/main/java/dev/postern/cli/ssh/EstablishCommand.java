package dev.postern.cli.ssh;

import dev.postern.cli.OrgHelp;
import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.ApiException;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.Session;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.EstablishRequest;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postern ssh establish [ORG] [--override]}: creates the org's user CA and host CA. */
@Command(name = "establish", mixinStandardHelpOptions = true,
        description = {"Create the org's SSH user CA and host CA (Ed25519; private keys stay on the server).",
            "Prints the user CA line for sshd's TrustedUserCAKeys and the host CA line for known_hosts."})
final class EstablishCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Parameters(arity = "0..1", paramLabel = "ORG", description = OrgHelp.ORG)
    String org;

    @Option(names = "--override", description = "Replace an existing CA. Every certificate and host certificate it "
            + "issued stops working.")
    boolean override;

    EstablishCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Session session = Session.require(env);
        String o = session.org(org, "postern ssh establish ORG");
        AuthorityView ca;
        try {
            ca = session.api().post("/v1/orgs/" + ApiClient.segment(o) + "/ca", new EstablishRequest(override),
                    AuthorityView.class);
        } catch (ApiException e) {
            if (e.status() == 409) {
                throw new CliException(ExitCodes.USAGE, "org " + o + " already has an SSH CA. Replacing it breaks every "
                        + "certificate it issued and every machine's host certificate (people must run 'postern ssh "
                        + "issue' again, machines must rejoin, TrustedUserCAKeys and known_hosts lines must be "
                        + "updated); to do that anyway, run 'postern ssh establish " + o + " --override'");
            }
            throw e;
        }
        // both lines are meant to be pasted into sshd's and ssh's trust files: one key each, nothing more
        ServerAnswers answers = ServerAnswers.of(session.api());
        String userCa = answers.publicKey("user CA key of org " + o, ca == null ? null : ca.userCaPublicKey());
        String hostCa = answers.publicKey("host CA key of org " + o, ca.hostCaPublicKey());
        PrintStream out = env.out();
        out.println((ca.replaced() ? "Replaced" : "Established") + " the SSH CA of org " + o + ".");
        if (ca.replaced()) {
            out.println("Every certificate of the old user CA is now revoked (the org's KRL revokes the old CA key);"
                    + " running agents switch to the new user CA within seconds. Machines must join again for a host"
                    + " certificate of the new host CA.");
        }
        out.println();
        out.println("User CA (a line for sshd's TrustedUserCAKeys file):");
        out.println(userCa);
        out.println();
        out.println("Host CA (a line for ~/.ssh/known_hosts):");
        out.println(hostCaLine(hostCa));
        out.println();
        out.println("Next: 'postern ssh issue " + o + " ~/.ssh/postern_" + o + "' gets you a certificate.");
        return ExitCodes.OK;
    }

    /** Machines' host certificates name {@code *.internal} hosts (ARCHITECTURE.md, identity of a machine). */
    static String hostCaLine(String hostCaPublicKey) {
        return "@cert-authority *.internal " + hostCaPublicKey.strip();
    }
}
