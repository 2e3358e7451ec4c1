package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.Output;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Printable;
import dev.postern.cli.client.ServerAnswers;
import dev.postern.cli.client.Session;
import dev.postern.cli.client.SshSyntax;
import dev.postern.cli.orgs.Emails;
import dev.postern.common.api.CertificateView;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.IssueResponse;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postern ssh issue [ORG] [EMAIL] [PATH] [--hours H] [-u USER,...] [-a] [-d] [--overwrite]}: makes a key
 * pair here, has the org CA certify its public key, and puts the pair where ssh finds it. Every check of the
 * input runs before the request, so bad input changes nothing.
 */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issue a short-lived SSH user certificate for a key pair made on this machine.",
            "The private key never leaves this machine. Give at least one of PATH, --agent, --dotssh.",
            "ORG defaults to $POSTERN_ORG, else the org of 'postern orgs use', else your only org; EMAIL to"
                    + " yourself (owners/admins may name a member).",
            "A lone PATH must look like a path (contain '/' or start with '.' or '~'), e.g. ./key."})
final class IssueCommand implements Callable<Integer> {
    static final String DOTSSH_NAME = "id_postern";
    private final CliEnvironment env;

    @Parameters(arity = "0..3", paramLabel = "ORG EMAIL PATH", description = "[ORG] [EMAIL] [PATH], each optional")
    List<String> positionals = new ArrayList<>();

    @Option(names = "--hours", paramLabel = "H", defaultValue = "24",
            description = "validity in hours, 1..72 (default: ${DEFAULT-VALUE})")
    String hours;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", split = ",",
            description = "login names (principals), e.g. root,fly; default: what your role allows")
    List<String> usernames = new ArrayList<>();

    @Option(names = {"-a", "--agent"}, description = "add the key and certificate to the running ssh-agent "
            + "(SSH_AUTH_SOCK), removed when the certificate expires")
    boolean agent;

    @Option(names = {"-d", "--dotssh"}, description = "write ~/.ssh/" + DOTSSH_NAME + " and ~/.ssh/" + DOTSSH_NAME
            + "-cert.pub")
    boolean dotssh;

    @Option(names = "--app", paramLabel = "A", split = ",", description = "the apps the certificate is for"
            + " (default: every app you may reach; members: the apps they hold grants on)")
    List<String> apps = new ArrayList<>();

    @Option(names = "--overwrite", description = "replace existing key and certificate files")
    boolean overwrite;

    IssueCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Hours h = Hours.parse(hours);
        IssueArguments args = IssueArguments.parse(positionals);
        String email = args.email() == null ? null : Emails.check(args.email());
        List<String> principals = Principals.check(usernames);
        List<KeyFiles> destinations = new ArrayList<>();
        if (args.path() != null) {
            destinations.add(new KeyFiles(env.expandPath(args.path())));
        }
        if (dotssh) {
            destinations.add(new KeyFiles(env.home().resolve(".ssh").resolve(DOTSSH_NAME)));
        }
        if (destinations.isEmpty() && !agent) {
            throw CliException.usage("say where the new key goes: a PATH (e.g. 'postern ssh issue ./postern_key'; "
                    + "ssh -i PATH then finds PATH-cert.pub), --dotssh (~/.ssh/" + DOTSSH_NAME + ") or --agent "
                    + "(the running ssh-agent)");
        }
        for (KeyFiles files : destinations) {
            files.checkWritable(overwrite, isDotSsh(files));
        }
        SshAgentClient sshAgent = agent ? SshAgentClient.fromEnvironment(env) : null;

        Session session = Session.require(env);
        String org = session.org(args.org(), "postern ssh issue ORG ...");
        UserKeyPair key = UserKeyPair.generate();
        IssueResponse issued = session.api().post("/v1/orgs/" + ApiClient.segment(org) + "/certificates",
                new IssueRequest(email, key.publicKeyLine(), principals.isEmpty() ? null : principals, h.value(),
                        apps.isEmpty() ? null : apps.stream().map(String::trim).toList()),
                IssueResponse.class);
        CertificateView log = issued == null ? null : issued.log();
        String certificate = checkedCertificate(ServerAnswers.of(session.api()), key, issued);
        // the comment goes into the key file and ssh-agent, where 'ssh-add -l' shows it on a terminal
        String comment = ServerAnswers.of(session.api()).text("key id", log.keyId());
        for (KeyFiles files : destinations) {
            files.write(key.openSshPrivateKey(comment), certificate);
        }
        Duration remaining = Duration.between(env.clock().instant(), log.validBefore());
        if (sshAgent != null) {
            sshAgent.addCertificate(key, certificateBlob(certificate), comment, remaining);
        }
        report(org, log, destinations, sshAgent, remaining);
        return ExitCodes.OK;
    }

    /**
     * The certificate line to write: a USER certificate for the key made here, written again as
     * {@code type base64}, so what reaches PATH-cert.pub is one key line and nothing else.
     */
    static String checkedCertificate(ServerAnswers answers, UserKeyPair key, IssueResponse issued) {
        if (issued == null || issued.log() == null) {
            throw answers.refusal("answer to issuing", null, "a certificate and its log entry");
        }
        OpenSshCertificate cert = answers.certificate("certificate", issued.certificate());
        if (cert.getType() != OpenSshCertificate.Type.USER || !KeyUtils.compareKeys(cert.getCertPubKey(), key.publicKey())) {
            throw answers.refusal("certificate", issued.certificate(), "a user certificate for the key made here");
        }
        return SshSyntax.certificateLine(issued.certificate());
    }

    private boolean isDotSsh(KeyFiles files) {
        return files.key().equals(env.home().resolve(".ssh").resolve(DOTSSH_NAME));
    }

    private void report(String org, CertificateView log, List<KeyFiles> destinations, SshAgentClient sshAgent,
                        Duration remaining) {
        PrintStream out = env.out();
        out.println("Issued certificate " + log.serial() + " for " + Printable.escape(log.email()) + " in " + org + ".");
        out.println("  key id:      " + Printable.escape(log.keyId()));
        out.println("  serial:      " + log.serial());
        out.println("  principals:  " + Printable.escape(String.join(",", log.principals())));
        out.println("  valid:       " + Output.time(log.validAfter()) + " to " + Output.time(log.validBefore()));
        for (KeyFiles files : destinations) {
            out.println("  private key: " + files.key() + " (0600)");
            out.println("  certificate: " + files.certificate());
        }
        if (sshAgent != null) {
            out.println("  ssh-agent:   added to " + sshAgent.socket() + " for " + human(remaining));
        }
    }

    static byte[] certificateBlob(String certificateLine) {
        String[] fields = certificateLine.strip().split("\\s+");
        if (fields.length < 2 || !fields[0].endsWith("-cert-v01@openssh.com")) {
            throw new CliException(ExitCodes.FAILURE, "the server's answer is not an OpenSSH certificate line: '"
                    + (fields.length == 0 ? "" : fields[0]) + " ...'");
        }
        return Base64.getDecoder().decode(fields[1]);
    }

    static String human(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        return (minutes / 60) + "h" + String.format("%02d", minutes % 60) + "m";
    }
}
