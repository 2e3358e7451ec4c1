package dev.postern.cli.client;

import dev.postern.cli.server.HostPort;
import dev.postern.ssh.OpenSshKeys;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * The strict grammar of every value Postern writes into an ssh_config or known_hosts file, or hands to an
 * SSH connection: what fits can hold no whitespace, quote, comment sign, control character, {@code %} token
 * or leading dash, so it can never end a directive and start another (such as {@code ProxyCommand}, which ssh
 * would run). Each check answers empty for a value that does not fit; {@link ServerAnswers} turns that into
 * a refusal that blames the control plane, commands into a usage error for the person's own input.
 */
public final class SshSyntax {
    /** Org and app names: lower-case DNS labels (they become {@code <app>.internal}). */
    static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    /** Login names as useradd takes them (the server's rule is stricter). */
    static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,31}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[^\\]]*]|[^:\\[\\]]*):([0-9]{1,5})");
    private static final Pattern KEY_TYPE = Pattern.compile("[a-z0-9][a-z0-9.@-]{2,62}");
    private static final Pattern KEY_DATA = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    /** Path characters that need neither escaping nor more than double quotes in ssh_config. */
    private static final Pattern PATH = Pattern.compile("/[\\p{L}\\p{N}._/+@=,: -]*");

    private SshSyntax() {
    }

    /** An org or app name. */
    public static Optional<String> name(String value) {
        return matching(NAME, value);
    }

    /** A login (user) name. */
    public static Optional<String> login(String value) {
        return matching(LOGIN, value);
    }

    /** A host: a DNS name, an IPv4 address, or an IPv6 address (bare, as ssh_config's HostName wants it). */
    public static Optional<String> host(String value) {
        if (value == null || value.isEmpty() || value.length() > 253) {
            return Optional.empty();
        }
        if (value.contains(":")) {
            return IPV6.matcher(value).matches() && ipv6(value) ? Optional.of(value) : Optional.empty();
        }
        if (value.matches("[0-9.]+")) {
            return ipv4(value) ? Optional.of(value) : Optional.empty();
        }
        String name = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    /** A port, 1 to 65535, in plain decimal digits. */
    public static Optional<Integer> port(String value) {
        if (value == null || !value.matches("[0-9]{1,5}")) {
            return Optional.empty();
        }
        int p = Integer.parseInt(value);
        return p >= 1 && p <= 65535 ? Optional.of(p) : Optional.empty();
    }

    /** {@code HOST:PORT} or {@code [IPv6]:PORT}, both parts as {@link #host} and {@link #port} take them. */
    public static Optional<HostPort> hostPort(String value) {
        var m = value == null ? null : HOST_PORT.matcher(value);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        String h = m.group(1);
        boolean bracketed = h.startsWith("[");
        String bare = bracketed ? h.substring(1, h.length() - 1) : h;
        if (bracketed != bare.contains(":")) {
            return Optional.empty();
        }
        Optional<String> host = host(bare);
        Optional<Integer> port = port(m.group(2));
        return host.isPresent() && port.isPresent() ? Optional.of(new HostPort(host.get(), port.get())) : Optional.empty();
    }

    /**
     * A plain OpenSSH public key line ({@code type base64 [comment]}), parsed and written again as
     * {@code type base64}: the comment is dropped (it could hold anything), a certificate is not a key.
     */
    public static Optional<String> publicKey(String value) {
        return keyBlob(value).map(KeyBlob::key).filter(k -> !(k instanceof OpenSshCertificate)).map(OpenSshKeys::toLine);
    }

    /** An OpenSSH certificate line, parsed and written again as {@code type base64} (the exact signed bytes). */
    public static Optional<OpenSshCertificate> certificate(String value) {
        return keyBlob(value).map(KeyBlob::key).filter(OpenSshCertificate.class::isInstance)
                .map(OpenSshCertificate.class::cast);
    }

    /** {@code type base64} of a certificate that {@link #certificate} accepted. */
    public static String certificateLine(String value) {
        return k(value);
    }

    /** An absolute local path that ssh_config can hold in double quotes, as is (no {@code %}, {@code $}, quote). */
    public static Optional<Path> configPath(Path path) {
        String p = path.toString();
        return PATH.matcher(p).matches() && Printable.isSafe(p) ? Optional.of(path) : Optional.empty();
    }

    private record KeyBlob(String type, byte[] blob, PublicKey key) {
    }

    /** The first two fields of a key line, or "" when the line is not {@code type base64 [comment]}. */
    private static String k(String value) {
        String[] f = value.strip().split(" ", 3);
        return f.length < 2 ? "" : f[0] + " " + f[1];
    }

    private static Optional<KeyBlob> keyBlob(String value) {
        // the whole line must be printable and on one line: the comment is dropped, but a newline in it
        // would have been a second line of the file
        if (value == null || value.length() > 16_384 || !Printable.isSafe(value) || value.contains("\"")) {
            return Optional.empty();
        }
        String[] f = value.strip().split(" ", 3);
        if (f.length < 2 || !KEY_TYPE.matcher(f[0]).matches() || !KEY_DATA.matcher(f[1]).matches()) {
            return Optional.empty();
        }
        byte[] blob;
        PublicKey key;
        try {
            blob = Base64.getDecoder().decode(f[1]);
            key = OpenSshKeys.parsePublicKey(f[0] + " " + f[1]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!f[0].equals(KeyUtils.getKeyType(key)) || !Base64.getEncoder().encodeToString(blob).equals(f[1])) {
            return Optional.empty();
        }
        return Optional.of(new KeyBlob(f[0], blob, key));
    }

    private static Optional<String> matching(Pattern pattern, String value) {
        return value != null && pattern.matcher(value).matches() ? Optional.of(value) : Optional.empty();
    }

    private static boolean ipv4(String value) {
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean ipv6(String value) {
        try {
            // only hex digits, ':' and '.' reach here, so this parses a literal and never asks DNS
            return java.net.InetAddress.getByName(value) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return false;
        }
    }
}
