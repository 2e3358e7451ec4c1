package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.client.Session;
import dev.postern.cli.client.SshSyntax;
import dev.postern.cli.client.PrivateFiles;
import dev.postern.cli.connect.PlanFiles;
import dev.postern.cli.connect.TargetOptions;
import dev.postern.cli.connect.Targets;
import dev.postern.cli.connect.UserIdentity;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lets the {@code postern} launcher run the next {@code postern ssh console} or single-file
 * {@code postern ssh sftp get} with the same selectors through stock OpenSSH ({@code ssh}, {@code scp}), with no
 * JVM: after a console session or a get this process set up and verified itself, a plan file in
 * {@code $POSTERN_HOME/ssh/console/} naming an ssh_config (gateway pinned by its key, machines by the org's host CA,
 * removed machines' keys {@code @revoked}), the person's key file that holds the certificate used, the login, the
 * machine, until when all that may be reused, and the login context it was made with (whose plan it is:
 * {@link PlanFiles}, which {@code auth logout} and a stopping demo use to delete a context's plans).
 *
 * <p>Why: a JVM start and two handshakes in a cold JVM cost about ten times what {@code ssh} takes through the same
 * gateway (docs/BENCHMARKS.md). The launcher's side is in the {@code postern} script ({@code openssh_plan},
 * {@code openssh_console}, {@code openssh_sftp_get}); one plan serves both commands. It never runs a remote command
 * twice: when OpenSSH fails before it has logged in (LocalCommand never ran), the plan
 * is deleted and this JVM path runs instead, and it explains. The plan is only a cache of this path's own
 * decisions: every check (CA, principals, revocation, access) is still made by the gateway and the agent.
 *
 * <p>The selectors are the command-line and environment values as given ({@code --context}/POSTERN_CONTEXT,
 * {@code --org}/POSTERN_ORG, {@code --app}, {@code --machine}, {@code --user}); empty when not given. A plan is only
 * written when every one of them is a plain name, so the script can build the same file name without parsing
 * anything else.
 */
final class OpenSshPlan {
    /** Longest reuse of one plan: bounds how long a list of revoked host keys can be out of date. */
    static final Duration MAX_AGE = Duration.ofHours(1);
    /** The launcher stops trying a plan after this many failed OpenSSH runs in a row (until it expires). */
    static final String FAILURES_VARIABLE = "POSTERN_CONSOLE_FAILURES";
    private static final Duration MIN_REMAINING = Duration.ofMinutes(5);
    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    /**
     * A user named like a plan's companion file: the plan of {@code -u bob.conf} would be the file that is bob's
     * plan's config ({@code ...,u=bob} + {@code .conf}), and each write would overwrite the other. Such a user gets
     * no plan (the JVM path serves them every time); the launcher does not look for one either.
     */
    private static final Pattern COMPANION_SUFFIX = Pattern.compile(".*(\\.conf|\\.known_hosts|\\.[0-9]+\\.new)");
    private static final Pattern SAFE_DIR = Pattern.compile("/[A-Za-z0-9/._,=-]*");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Logger LOG = LoggerFactory.getLogger(OpenSshPlan.class);

    private OpenSshPlan() {
    }

    /**
     * Writes (or replaces) the plan for this console's (or get's) selectors, when they and the identity allow one; never
     * fails the console: a plan that cannot be written only means the next run starts a JVM again.
     */
    static void save(CliEnvironment env, TargetOptions target, Targets.Resolved resolved, ContextStamp started) {
        try {
            if (!started.equals(ContextStamp.now(env))) {
                // config.json changed while this console ran (e.g. 'postern auth use' in another terminal): the
                // plan would be keyed to a context this run may not have used
                return;
            }
            Optional<Path> plan = planFile(env, target);
            Optional<Path> key = keyFile(resolved.identity());
            if (plan.isEmpty() || key.isEmpty()) {
                return;
            }
            write(env, plan.get(), key.get(), resolved);
        } catch (IOException | RuntimeException e) {
            LOG.debug("no OpenSSH plan for the next console or get: {}", e.toString());
        }
    }

    /** The plan's path for these selectors; empty when one is not a plain name (the launcher would not look). */
    static Optional<Path> planFile(CliEnvironment env, TargetOptions t) {
        if (t.select || t.region != null) {
            return Optional.empty();
        }
        String context = env.variable(Session.CONTEXT_VARIABLE).orElse("");
        String org = t.org != null ? t.org : env.variable(Session.ORG_VARIABLE).orElse("");
        String[] selectors = {context, org, t.app, t.machine == null ? "" : t.machine, t.user == null ? "" : t.user};
        if (COMPANION_SUFFIX.matcher(selectors[4]).matches()) {
            return Optional.empty();
        }
        for (int i = 0; i < selectors.length; i++) {
            String s = selectors[i];
            boolean required = i == 2;
            if (s == null || (s.isEmpty() ? required : !SELECTOR.matcher(s).matches())) {
                return Optional.empty();
            }
        }
        Path dir = dir(env);
        if (!SAFE_DIR.matcher(dir.toString()).matches()) {
            return Optional.empty(); // the script names its LocalCommand marker after this directory
        }
        return Optional.of(dir.resolve("plan,c=" + selectors[0] + ",o=" + selectors[1] + ",a=" + selectors[2]
                + ",m=" + selectors[3] + ",u=" + selectors[4]));
    }

    static Path dir(CliEnvironment env) {
        return PlanFiles.dir(env.posternHome());
    }

    /** The identity's key file, when the identity came from one whose certificate file holds this certificate. */
    static Optional<Path> keyFile(UserIdentity identity) {
        Path key = Path.of(identity.source());
        if (!key.isAbsolute() || !Files.isRegularFile(key, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            OpenSshCertificate onDisk = OpenSshKeys.readCertificate(new KeyFiles(key).certificate());
            return PublicKeyEntry.toString(onDisk).equals(PublicKeyEntry.toString(identity.certificate()))
                    ? Optional.of(key) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void write(CliEnvironment env, Path planPath, Path key, Targets.Resolved r) throws IOException {
        OpenSshCertificate cert = r.identity().certificate();
        Instant now = env.clock().instant();
        Instant until = Instant.ofEpochSecond(cert.getValidBefore()).minus(MIN_REMAINING);
        if (cert.getValidBefore() == OpenSshCertificate.INFINITY || until.isAfter(now.plus(MAX_AGE))) {
            until = now.plus(MAX_AGE);
        }
        if (!until.isAfter(now) || SshSyntax.login(r.user()).isEmpty() || SshSyntax.configPath(key).isEmpty()) {
            return;
        }
        Files.createDirectories(planPath.getParent(), PosixFilePermissions.asFileAttribute(DIR));
        Files.setPosixFilePermissions(planPath.getParent(), DIR);
        // The launcher checks the real path (every directory above it) and follows only that: the config names
        // known_hosts by it too, so no symbolic link along POSTERN_HOME can send OpenSSH elsewhere later.
        Path dir = planPath.getParent().toRealPath();
        if (!SAFE_DIR.matcher(dir.toString()).matches()) {
            return;
        }
        Path plan = dir.resolve(planPath.getFileName());
        Path config = Path.of(plan + ".conf");
        Path knownHosts = Path.of(plan + ".known_hosts");
        SshConfigText text = new SshConfigText(r.context(), r.org(), r.app(), r.user(), r.route().gateway(),
                OpenSshKeys.toLine(r.route().gatewayHostKey()), OpenSshKeys.toLine(r.route().hostCa()), key, knownHosts);
        String revoked = RevokedHostLines.text(r.route().revokedHostKeys().stream().map(OpenSshKeys::toLine).toList());
        replace(knownHosts, text.knownHostsText() + revoked);
        replace(config, text.config(true));
        int failures = env.variable(FAILURES_VARIABLE).filter(v -> v.matches("[0-9]{1,3}")).map(Integer::parseInt)
                .orElse(0);
        replace(plan, PlanFiles.FIRST_LINE + "\n"
                + "expires " + until.getEpochSecond() + "\n"
                + "failures " + failures + "\n"
                + "certificate " + new KeyFiles(key).certificate() + "\n"
                + "login " + r.user() + "\n"
                + "host " + r.machine().name() + "\n"
                // whose plan this is, for 'auth logout' and a stopping demo: c= is empty for the current context
                + PlanFiles.contextLine(r.context()));
    }

    private static void replace(Path target, String content) throws IOException {
        PrivateFiles.replace(target, content.getBytes(StandardCharsets.UTF_8), FILE);
    }
}
