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

    /** The app's name qualified by its org, {@code <app>.<org>.internal}: the same in every config, whatever else is. */
    String orgAppAlias() {
        return orgAppAlias(app, org);
    }

    static String orgAppAlias(String app, String org) {
        return app + "." + org + ".internal";
    }

    /** The first line of every config this writes; {@link #header} reads it back. */
    private String headerLine() {
        return "# Postern: machines of app " + app + " in org " + org + " (written by 'postern ssh config --app " + app
                + " --org " + org + "')\n";
    }

    private static final java.util.regex.Pattern HEADER = java.util.regex.Pattern.compile(
            "# Postern: machines of app ([a-z0-9-]+) in org ([a-z0-9-]+) .*");

    /** The app and org a config's first line names ({@code [app, org]}); empty when it is not one of these. */
    static Optional<String[]> header(String firstLine) {
        java.util.regex.Matcher m = HEADER.matcher(firstLine);
        return m.matches() ? Optional.of(new String[] {m.group(1), m.group(2)}) : Optional.empty();
    }

    /** The line that starts the block of the short names, {@code <app>.internal} and {@code *.vm.<app>.internal}. */
    static String shortNamesLine(String app) {
        return "Host *.vm." + app + ".internal " + app + ".internal\n";
    }

    /**
     * A person's config: the gateway, {@link #orgAppAlias} (any machine of the app), the machines {@code machineIds}
     * by their names ({@code <id>.vm.<app>.internal}; machine ids are unique across orgs), and, when
     * {@code shortNames}, the short names {@code <app>.internal} and {@code *.vm.<app>.internal}, last. Those are
     * left out when another org of the person's has an app of this name: in two configs they would match the same
     * names, and ssh takes the first config's gateway and known_hosts for both orgs' machines.
     */
    String config(java.util.List<String> machineIds, boolean shortNames) {
        java.util.List<String> names = machineIds.stream().map(id -> fits("machine id", id, SshSyntax.name(id))
                + ".vm." + app + ".internal").toList();
        String common = common(false);
        StringBuilder b = new StringBuilder(head(false));
        b.append("\n# any machine of app ").append(app).append(" in org ").append(org).append("\n")
                .append("Host ").append(orgAppAlias()).append("\n")
                .append("  HostName ").append(app).append(".internal\n")
                .append("  ProxyJump ").append(gatewayAlias()).append("\n").append(common);
        if (!names.isEmpty()) {
            b.append("\n# its machines when this was written; 'postern ssh config --app ").append(app).append(" --org ")
                    .append(org).append(" --write' adds new ones\n")
                    .append("Host ").append(String.join(" ", names)).append("\n")
                    .append("  ProxyJump ").append(gatewayAlias()).append("\n").append(common);
        }
        if (shortNames) {
            b.append("\n").append(shortNamesLine(app)).append("  ProxyJump ").append(gatewayAlias()).append("\n")
                    .append(common);
        } else {
            b.append("\n").append(shortNamesLeftOut(app, org));
        }
        return b.toString();
    }

    /** What stands where the short names would be, in a config written or demoted without them. */
    static String shortNamesLeftOut(String app, String org) {
        return "# " + app + ".internal and *.vm." + app + ".internal are not here: another of your orgs has an app "
                + app + " too (ssh would take one org's gateway and key for both); use " + orgAppAlias(app, org)
                + " or a machine's name\n";
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
        return head(plan) + "\n" + shortNamesLine(app) + "  ProxyJump " + gatewayAlias() + "\n" + common(plan);
    }

    private String common(boolean plan) {
        return (plan ? "  Ciphers ^aes128-gcm@openssh.com\n" : "")
                + "  User " + user + "\n"
                + "  IdentityFile " + quote(identity.toString()) + "\n"
                + "  CertificateFile " + quote(identity + "-cert.pub") + "\n"
                + "  IdentitiesOnly yes\n"
                + "  StrictHostKeyChecking yes\n"
                + "  UserKnownHostsFile " + quote(knownHosts.toString()) + "\n";
    }

    /** The header and the gateway's block. */
    private String head(boolean plan) {
        return headerLine()
                + "# Key and certificate: kept by postern for this login and org, renewed by 'postern ssh console' and by"
                + " 'postern ssh config --app " + app + " --write'\n"
                + "Host " + gatewayAlias() + "\n"
                + "  HostName " + gateway.host() + "\n"
                + "  Port " + gateway.port() + "\n"
                + "  HostKeyAlias " + gatewayAlias() + "\n"
                + (plan ? "  LogLevel QUIET\n" : "")
                + common(plan);
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
