package dev.postern.cli.ssh;

import dev.postern.cli.client.SshSyntax;
import dev.postern.cli.server.HostPort;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The ssh_config and known_hosts text that let stock OpenSSH ({@code ssh}, {@code scp}, {@code sftp},
 * {@code rsync -e ssh}, sshfs) reach an app's machines through the gateway with strict host checking: the
 * gateway is pinned by its own key (under a {@code HostKeyAlias}), machines are trusted through one
 * {@code @cert-authority} line for the org's host CA.
 *
 * <p>Every field must fit {@link SshSyntax} (the constructor refuses anything else), so no value can end a
 * directive and start another: callers check values from the control plane first, with
 * {@link dev.postern.cli.client.ServerAnswers}, for a message that names the field.
 *
 * @param gatewayHostKey and {@code hostCaKey}: plain public key lines; written as {@code type base64}
 * @param identity the private key file; its certificate is {@code identity + "-cert.pub"}
 */
record SshConfigText(String org, String app, String user, HostPort gateway, String gatewayHostKey, String hostCaKey,
                     Path identity, Path knownHosts) {
    SshConfigText {
        org = fits("org", org, SshSyntax.name(org));
        app = fits("app", app, SshSyntax.name(app));
        user = fits("user", user, SshSyntax.login(user));
        fits("gateway host", gateway.host(), SshSyntax.host(gateway.host()));
        fits("gateway port", String.valueOf(gateway.port()), SshSyntax.port(String.valueOf(gateway.port())));
        gatewayHostKey = fits("gateway host key", gatewayHostKey, SshSyntax.publicKey(gatewayHostKey));
        hostCaKey = fits("host CA key", hostCaKey, SshSyntax.publicKey(hostCaKey));
        fits("identity path", String.valueOf(identity), SshSyntax.configPath(identity));
        fits("known_hosts path", String.valueOf(knownHosts), SshSyntax.configPath(knownHosts));
        fits("certificate path", identity + "-cert.pub", SshSyntax.configPath(Path.of(identity + "-cert.pub")));
    }

    String gatewayAlias() {
        return "postern-gateway-" + org;
    }

    String config() {
        return config(false);
    }

    /**
     * @param plan the config of an OpenSSH plan ({@link OpenSshPlan}), whose caller explains a failed jump in its own
     *     words: {@code LogLevel QUIET} for the gateway hop, where OpenSSH's line from the jump process would read like
     *     a second error; and AES-GCM first on both hops (OpenSSH's own list after it), because a planned {@code sftp
     *     get} moves its bytes through both: with AES-NI it costs OpenSSH, the gateway and the agent less per byte than
     *     chacha20-poly1305, OpenSSH's first choice (docs/BENCHMARKS.md, round 5). A person's own config keeps
     *     OpenSSH's defaults.
     */
    String config(boolean plan) {
        String common = (plan ? "  Ciphers ^aes128-gcm@openssh.com\n" : "")
                + "  User " + user + "\n"
                + "  IdentityFile " + quote(identity.toString()) + "\n"
                + "  CertificateFile " + quote(identity + "-cert.pub") + "\n"
                + "  IdentitiesOnly yes\n"
                + "  StrictHostKeyChecking yes\n"
                + "  UserKnownHostsFile " + quote(knownHosts.toString()) + "\n";
        return "# Postern: machines of app " + app + " in org " + org + " (written by 'postern ssh config --app " + app
                + " --org " + org + "')\n"
                + "# Key and certificate: kept by postern for this login and org, renewed by 'postern ssh console' and by"
                + " 'postern ssh config --app " + app + " --write'\n"
                + "Host " + gatewayAlias() + "\n"
                + "  HostName " + gateway.host() + "\n"
                + "  Port " + gateway.port() + "\n"
                + "  HostKeyAlias " + gatewayAlias() + "\n"
                + (plan ? "  LogLevel QUIET\n" : "")
                + common
                + "\n"
                + "Host *.vm." + app + ".internal " + app + ".internal\n"
                + "  ProxyJump " + gatewayAlias() + "\n"
                + common;
    }

    String knownHostsText() {
        return "# Postern: org " + org + "; machines prove themselves with host certificates of the org's host CA\n"
                + "@cert-authority *.internal " + hostCaKey + "\n"
                + gatewayAlias() + " " + gatewayHostKey + "\n";
    }

    private static <T> String fits(String field, String value, Optional<T> checked) {
        if (checked.isEmpty()) {
            throw new IllegalArgumentException(field + " " + dev.postern.cli.client.Printable.quotedPrefix(value)
                    + " cannot be written into ssh_config or known_hosts");
        }
        return checked.get().toString();
    }

    private static String quote(String path) {
        return path.contains(" ") ? "\"" + path + "\"" : path;
    }
}
