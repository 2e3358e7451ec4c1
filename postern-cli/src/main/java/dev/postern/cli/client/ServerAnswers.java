package dev.postern.cli.client;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.server.HostPort;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * The checks a value from the control plane passes before the CLI writes it into a file (ssh_config,
 * known_hosts, a certificate), puts it on a command line or an SSH connection, or uses it in a path. The
 * control plane is a trust boundary: a spoofed or compromised one must not be able to make the person's ssh
 * run a {@code ProxyCommand}, write outside {@code ~/.postern}, or forge terminal output. A value that does
 * not fit is refused by name, with a short escaped prefix, before anything is written.
 *
 * <pre>{@code HostPort gw = ServerAnswers.of(api).hostPort("gateway address", view.address());}</pre>
 */
public final class ServerAnswers {
    private static final Pattern TOKEN = Pattern.compile("[a-z]{2,8}_[A-Za-z0-9_-]{16,128}");
    private static final Pattern MACHINE_ID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private final String server;

    private ServerAnswers(String server) {
        this.server = server;
    }

    /** Checks for answers of the server {@code api} talks to (named in refusals). */
    public static ServerAnswers of(ApiClient api) {
        return new ServerAnswers(api.baseUrl());
    }

    /** An org or app name (lower-case DNS label). */
    public String name(String field, String value) {
        return require(field, value, SshSyntax.name(value), "a name of lower-case letters, digits and '-'");
    }

    /** A login name. */
    public String login(String field, String value) {
        return require(field, value, SshSyntax.login(value), "a login name (letters, digits, '.', '_', '-')");
    }

    /** A machine id: a lower-case DNS label. */
    public String machineId(String field, String value) {
        return require(field, value, Optional.ofNullable(value).filter(v -> MACHINE_ID.matcher(v).matches()),
                "a machine id (lower-case letters and digits)");
    }

    /** A host name or address. */
    public String host(String field, String value) {
        return require(field, value, SshSyntax.host(value), "a DNS name or an IP address");
    }

    /** {@code HOST:PORT}. */
    public HostPort hostPort(String field, String value) {
        return require(field, value, SshSyntax.hostPort(value),
                "HOST:PORT (a DNS name, an IPv4 address or an [IPv6] address, and a port 1-65535)");
    }

    /** A plain OpenSSH public key, as {@code type base64} (the comment dropped). */
    public String publicKey(String field, String value) {
        return require(field, value, SshSyntax.publicKey(value), "one OpenSSH public key line ('ssh-ed25519 AAAA...')");
    }

    /** An OpenSSH certificate. */
    public OpenSshCertificate certificate(String field, String value) {
        return require(field, value, SshSyntax.certificate(value),
                "one OpenSSH certificate line ('ssh-ed25519-cert-v01@openssh.com AAAA...')");
    }

    /** A secret token such as {@code pjt_...}: its prefix and base64url, nothing a shell would interpret. */
    public String token(String field, String value, String prefix) {
        return require(field, value, Optional.ofNullable(value).filter(v -> v.startsWith(prefix)
                && TOKEN.matcher(v).matches()), "a token '" + prefix + "' followed by base64url");
    }

    /** Free text shown to the person or kept as a key comment: one line, no control or invisible characters. */
    public String text(String field, String value) {
        return require(field, value, Optional.ofNullable(value).filter(v -> v.length() <= 1024 && Printable.isSafe(v)),
                "printable text on one line");
    }

    /** The refusal for a value that is present but wrong in another way (e.g. names another app). */
    public CliException refusal(String field, String value, String expected) {
        // the value is quoted escaped and cut short: it is untrusted, and may be long or hold escape sequences
        return new CliException(ExitCodes.FAILURE, "the control plane sent " + field + " " + Printable.quotedPrefix(value)
                + ", which is not " + expected + "; check the server at " + server + " (is it the one you meant to log "
                + "in to?). Nothing was changed");
    }

    private <T> T require(String field, String value, Optional<T> checked, String expected) {
        return checked.orElseThrow(() -> value == null
                ? new CliException(ExitCodes.FAILURE, "the control plane sent no " + field + "; check the server at "
                        + server + ". Nothing was changed")
                : refusal(field, value, expected));
    }
}
