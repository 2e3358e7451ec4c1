package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.ApiClient;
import dev.postern.cli.client.Session;
import dev.postern.cli.connect.Targets;
import dev.postern.cli.orgs.Names;
import dev.postern.cli.server.HostPort;
import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.GatewayView;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code postern ssh config --app A [--org O] [--write]}: ssh_config and known_hosts for stock OpenSSH. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print (or --write) an ssh_config for the app's machines, for stock ssh, scp, sftp, rsync -e ssh.",
            "Machines are <id>.vm.<app>.internal and <app>.internal, reached through the gateway (ProxyJump),",
            "checked strictly against the org's host CA. The key comes from 'postern ssh issue ORG --dotssh'."})
final class ConfigCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Option(names = {"-a", "--app"}, required = true, paramLabel = "A", description = "the app")
    String app;

    @Option(names = {"-o", "--org"}, paramLabel = "O", description = "default: your only org")
    String org;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", defaultValue = "root",
            description = "login user on the machines (default ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--write", description = "write ~/.postern/ssh/<org>-<app>.conf and known_hosts_<org>, and print "
            + "the Include line for ~/.ssh/config")
    boolean write;

    ConfigCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        String a = Names.check("--app", app);
        Session session = Session.require(env);
        String o = session.org(org, "postern ssh config --app " + a + " --org ORG");
        GatewayView gw = Targets.gateway(session.api());
        AuthorityView ca = session.api().get("/v1/orgs/" + ApiClient.segment(o) + "/ca", AuthorityView.class);
        Path dir = env.posternHome().resolve("ssh");
        SshConfigText text = new SshConfigText(o, a, user, HostPort.parse("gateway address", gw.address()), gw.hostKey(),
                ca.hostCaPublicKey(), env.home().resolve(".ssh").resolve(IssueCommand.DOTSSH_NAME),
                dir.resolve("known_hosts_" + o));
        // removed machines' host keys, refused by ssh even with a valid certificate
        String known = text.knownHostsText() + RevokedHostLines.text(Targets.revokedHostKeyViews(session.api(), o));
        PrintStream out = env.out();
        if (!write) {
            out.print(text.config());
            out.println();
            out.println("# known_hosts (" + text.knownHosts() + "), written by --write:");
            known.lines().forEach(l -> out.println("#   " + l));
            return ExitCodes.OK;
        }
        Path conf = dir.resolve(o + "-" + a + ".conf");
        writeFile(dir, conf, text.config());
        writeFile(dir, text.knownHosts(), known);
        out.println("Wrote " + conf + " and " + text.knownHosts() + ".");
        out.println("Add this line at the top of ~/.ssh/config (or use 'ssh -F " + conf + "'):");
        out.println("Include " + conf);
        if (!Files.exists(text.identity())) {
            out.println("Then get a key and certificate: postern ssh issue " + o + " --dotssh");
        }
        out.println("Try: ssh " + (user.equals("root") ? "" : user + "@") + a + ".internal hostname");
        return ExitCodes.OK;
    }

    private static void writeFile(Path dir, Path file, String content) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(dir, ".postern", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
