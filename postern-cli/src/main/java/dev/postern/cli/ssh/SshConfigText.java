package dev.postern.cli.ssh;

import dev.postern.cli.server.HostPort;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The ssh_config and known_hosts text that let stock OpenSSH ({@code ssh}, {@code scp}, {@code sftp},
 * {@code rsync -e ssh}, sshfs) reach an app's machines through the gateway with strict host checking: the
 * gateway is pinned by its own key (under a {@code HostKeyAlias}), machines are trusted through one
 * {@code @cert-authority} line for the org's host CA.
 *
 * @param identity the private key file; its certificate is {@code identity + "-cert.pub"}
 */
record SshConfigText(String org, String app, String user, HostPort gateway, String gatewayHostKey, String hostCaKey,
                     Path identity, Path knownHosts) {
    SshConfigText {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(gateway, "gateway");
        gatewayHostKey = keyOnly(gatewayHostKey);
        hostCaKey = keyOnly(hostCaKey);
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(knownHosts, "knownHosts");
    }

    String gatewayAlias() {
        return "postern-gateway-" + org;
    }

    String config() {
        String common = "  User " + user + "\n"
                + "  IdentityFile " + quote(identity.toString()) + "\n"
                + "  CertificateFile " + quote(identity + "-cert.pub") + "\n"
                + "  IdentitiesOnly yes\n"
                + "  StrictHostKeyChecking yes\n"
                + "  UserKnownHostsFile " + quote(knownHosts.toString()) + "\n";
        return "# Postern: machines of app " + app + " in org " + org + " (written by 'postern ssh config --app " + app
                + " --org " + org + "')\n"
                + "# Keys and certificate: 'postern ssh issue " + org + " --dotssh'\n"
                + "Host " + gatewayAlias() + "\n"
                + "  HostName " + gateway.host() + "\n"
                + "  Port " + gateway.port() + "\n"
                + "  HostKeyAlias " + gatewayAlias() + "\n"
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

    /** {@code type base64} without the comment (a comment could hold anything). */
    private static String keyOnly(String line) {
        String[] f = Objects.requireNonNull(line, "key").strip().split("\\s+");
        if (f.length < 2) {
            throw new IllegalArgumentException("not an OpenSSH public key line: '" + line + "'");
        }
        return f[0] + " " + f[1];
    }

    private static String quote(String path) {
        return path.contains(" ") ? "\"" + path + "\"" : path;
    }
}
