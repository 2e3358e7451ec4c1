package dev.postern.cli.ssh;

import dev.postern.cli.client.ContextNames;
import dev.postern.cli.client.SshSyntax;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.cli.server.HostPort;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ssh_config and known_hosts text that let stock OpenSSH ({@code ssh}, {@code scp}, {@code sftp},
 * {@code rsync -e ssh}, sshfs) reach an app's machines through the gateway with strict host checking: the
 * gateway is pinned by its own key (under a {@code HostKeyAlias}), machines are trusted through one
 * {@code @cert-authority} line for the org's host CA.
 *
 * <p>Names are per login context ({@link ContextFiles#label}, here {@code prod}), because two control planes may
 * each have an org {@code acme} with an app {@code web} and machine ids are unique within one server only:
 * the gateway is {@code postern-gateway-acme.prod}, and the names with the context, {@code web.acme.internal.prod}
 * (any machine) and {@code <id>.vm.web.internal.prod}, are in every config and no other config can claim them. The
 * short names, without it ({@code <id>.vm.web.internal}; and {@code web.internal}, {@code *.vm.web.internal}), are
 * opt-in per context ({@code ssh config --short-names}), and written only while no other config competes for them
 * ({@link SshConfigFiles}). The server chooses its org and app names, and others use {@code .internal} too: an org
 * {@code docker} with an app {@code host} must not claim {@code host.docker.internal} (nor {@code ec2} claim
 * {@code ip-10-0-0-1.ec2.internal}), so {@code <app>.<org>.internal} is only ever written with the label.
 *
 * <p>Every field must fit {@link SshSyntax} (the constructor refuses anything else), so no value can end a
 * directive and start another: callers check values from the control plane first, with
 * {@link dev.postern.cli.client.ServerAnswers}, for a message that names the field.
 *
 * @param context the login context's name ({@link ContextNames#check})
 * @param gatewayHostKey and {@code hostCaKey}: plain public key lines; written as {@code type base64}
 * @param identity the private key file; its certificate is {@code identity + "-cert.pub"}
 */
record SshConfigText(String context, String org, String app, String user, HostPort gateway, String gatewayHostKey,
                     String hostCaKey, Path identity, Path knownHosts) {
    SshConfigText {
        context = fits("login context", context, contextName(context));
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

    /** What the first line of a config names; {@code context} is null in a config of Postern before round 7. */
    record Header(String app, String org, String context) {
    }

    /** {@code postern-gateway-<org>.<context label>}: ProxyJump's target and the gateway's key's name in known_hosts. */
    String gatewayAlias() {
        return "postern-gateway-" + org + "." + label();
    }

    String label() {
        return ContextFiles.label(context);
    }

    /**
     * {@code <app>.<org>.internal.<context label>}: any machine of the app; in every config, claimed by no other.
     * Never written without the label: {@code host.docker.internal} is Docker's.
     */
    String contextAlias() {
        return app + "." + org + ".internal." + label();
    }

    /** {@code <id>.vm.<app>.internal.<context label>}: machine {@code id}, in this config only. */
    String contextMachine(String id) {
        return machine(id) + "." + label();
    }

    private String machine(String id) {
        return fits("machine id", id, SshSyntax.name(id)) + ".vm." + app + ".internal";
    }

    /** The first line of every config this writes; {@link #header} reads it back. */
    private String headerLine() {
        return "# Postern: machines of app " + app + " in org " + org + ", login context " + context + " (written by"
                + " 'postern ssh config --app " + app + " --org " + org + " --context " + context + " --write')\n";
    }

    private static final Pattern HEADER = Pattern.compile(
            "# Postern: machines of app ([a-z0-9-]+) in org ([a-z0-9-]+), login context (\\S+) \\(written .*");
    /** The first line of a config of Postern before round 7, named by org and app only. */
    private static final Pattern OLD_HEADER = Pattern.compile(
            "# Postern: machines of app ([a-z0-9-]+) in org ([a-z0-9-]+) \\(written .*");

    /** The app, org and context a config's first line names; empty when it is not one of these. */
    static Optional<Header> header(String firstLine) {
        Matcher m = HEADER.matcher(firstLine);
        if (m.matches()) {
            return contextName(m.group(3)).map(c -> new Header(m.group(1), m.group(2), c));
        }
        Matcher old = OLD_HEADER.matcher(firstLine);
        return old.matches() ? Optional.of(new Header(old.group(1), old.group(2), null)) : Optional.empty();
    }

    /** The first line of a known_hosts of Postern before round 7 ({@code known_hosts_<org>}). */
    static boolean oldKnownHostsHeader(String firstLine) {
        return firstLine.matches("# Postern: org [a-z0-9-]+; machines prove themselves .*");
    }

    /**
     * The first line of the paragraph of the machines' own names, {@code <id>.vm.<app>.internal}, in a config of a
     * context with short names on.
     */
    static String withoutContextMarker(String app) {
        return "# short names: its machines without the login context, while no other context of yours has an app "
                + app + ":\n";
    }

    /**
     * The first line of that paragraph as Postern wrote it before short names were opt-in, with
     * {@code <app>.<org>.internal} (the shape of names others use under {@code .internal}: {@code ec2.internal},
     * {@code docker.internal}, {@code google.internal}) and the machines' own names, whatever the context chose.
     */
    static String oldWithoutContextMarker(String app) {
        return "# without the login context, while no other context of yours has an app " + app + ":\n";
    }

    /** The first line of the paragraph of the short names, {@code <app>.internal} and {@code *.vm.<app>.internal}. */
    static String shortNamesMarker(String app) {
        return "# " + app + ".internal and *.vm." + app + ".internal, while no other org or login context of yours has"
                + " an app " + app + ":\n";
    }

    /**
     * A person's config, in paragraphs: the gateway; {@link #contextAlias} (any machine of the app); the machines
     * {@code machineIds} by {@link #contextMachine}. Then, only when the context has opted in to {@code shortNames}:
     * when {@code withoutContext}, the machines by their own names ({@code <id>.vm.<app>.internal}); and when
     * {@code alone} too, {@code <app>.internal} and {@code *.vm.<app>.internal}. The caller leaves those out when
     * another config could claim the same names: ssh takes the first matching config's gateway, key and known_hosts
     * for both. {@code <app>.<org>.internal} is never written: an org {@code docker} with an app {@code host} would
     * claim {@code host.docker.internal}.
     */
    String config(List<String> machineIds, boolean shortNames, boolean withoutContext, boolean alone) {
        String common = common(false);
        String jump = "  ProxyJump " + gatewayAlias() + "\n";
        StringBuilder b = new StringBuilder(head(false));
        b.append("\n# any machine of app ").append(app).append(" in org ").append(org).append(" (login context ")
                .append(context).append(")\n")
                .append("Host ").append(contextAlias()).append("\n")
                .append("  HostName ").append(app).append(".internal\n").append(jump).append(common);
        if (!machineIds.isEmpty()) {
            b.append("\n# its machines when this was written; 'postern ssh config --app ").append(app).append(" --org ")
                    .append(org).append(" --context ").append(context).append(" --write' adds new ones\n");
            for (String id : machineIds) {
                b.append("Host ").append(contextMachine(id)).append("\n  HostName ").append(machine(id)).append("\n");
            }
            b.append("Host ").append(String.join(" ", machineIds.stream().map(this::contextMachine).toList()))
                    .append("\n").append(jump).append(common);
        }
        b.append("\n");
        if (!shortNames) {
            return b.append(shortNamesOff(app, org, context)).toString();
        }
        if (withoutContext) {
            b.append(withoutContextMarker(app));
            if (machineIds.isEmpty()) {
                b.append("# (none: the app had no machine when this was written)\n");
            } else {
                b.append("Host ").append(String.join(" ", machineIds.stream().map(this::machine).toList())).append("\n")
                        .append(jump).append(common);
            }
        } else {
            b.append(withoutContextLeftOut(app, org, label()));
        }
        b.append("\n");
        if (withoutContext && alone) {
            b.append(shortNamesMarker(app)).append(shortNamesLine(app)).append(jump).append(common);
        } else {
            b.append(shortNamesLeftOut(app, org, label()));
        }
        return b.toString();
    }

    private static String shortNamesLine(String app) {
        return "Host *.vm." + app + ".internal " + app + ".internal\n";
    }

    /** What stands where the short names would be, in a config of a context that has not opted in to them. */
    static String shortNamesOff(String app, String org, String context) {
        String label = ContextFiles.label(context);
        return "# short names (" + app + ".internal, <id>.vm." + app + ".internal) are off for login context " + context
                + ": they would let this server's app names claim names under .internal in your ssh. Use "
                + app + "." + org + ".internal." + label + " or <id>.vm." + app + ".internal." + label
                + "; for a server you trust, 'postern ssh config --app " + app + " --org " + org + " --context " + context
                + " --short-names' turns them on\n";
    }

    /**
     * What stands where an older Postern wrote {@code <app>.<org>.internal} and the machines' own names, in a config
     * of a context with short names on, until it is written again.
     */
    static String oldNamesLeftOut(String app, String org, String context) {
        return "# " + app + "." + org + ".internal is no longer written without the login context (an org docker with"
                + " an app host would claim host.docker.internal); 'postern ssh config --app " + app + " --org " + org
                + " --context " + context + " --write' writes <id>.vm." + app + ".internal again\n";
    }

    /** What stands where the machines' own names would be, in a config written or demoted without them. */
    static String withoutContextLeftOut(String app, String org, String label) {
        return "# <id>.vm." + app + ".internal is not here: another login context of yours has an app " + app + " too"
                + " (ssh would take one's gateway and key for both); use " + app + "." + org + ".internal." + label
                + " or <id>.vm." + app + ".internal." + label + "\n";
    }

    /** What stands where the short names would be, in a config written or demoted without them. */
    static String shortNamesLeftOut(String app, String org, String label) {
        return "# " + app + ".internal and *.vm." + app + ".internal are not here: another org or login context of"
                + " yours has an app " + app + " too (ssh would take one's gateway and key for both); use "
                + app + "." + org + ".internal." + label + " or <id>.vm." + app + ".internal." + label + "\n";
    }

    /**
     * @param plan the config of an OpenSSH plan ({@link OpenSshPlan}), whose caller explains a failed jump in its own
     *     words: {@code LogLevel QUIET} for the gateway hop, where OpenSSH's line from the jump process would read like
     *     a second error; and AES-GCM first on both hops (OpenSSH's own list after it), because a planned {@code sftp
     *     get} moves its bytes through both: with AES-NI it costs OpenSSH, the gateway and the agent less per byte than
     *     chacha20-poly1305, OpenSSH's first choice (docs/BENCHMARKS.md, round 5). A person's own config keeps
     *     OpenSSH's defaults. A plan's config is read alone ({@code ssh -F}), so its short names compete with none.
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
                + "  UserKnownHostsFile " + quote(knownHosts.toString()) + "\n"
                // as postern's own client (KeepAlive.DEFAULT): an idle console is not cut by the gateway's or the
                // agent's idle timeout, and a dead one ends within about a minute
                + "  ServerAliveInterval 15\n"
                + "  ServerAliveCountMax 3\n";
    }

    /** The header and the gateway's block. */
    private String head(boolean plan) {
        return headerLine()
                + "# Key and certificate: kept by postern for this login context and org, renewed by 'postern ssh"
                + " console' and by writing this again\n"
                + "Host " + gatewayAlias() + "\n"
                + "  HostName " + gateway.host() + "\n"
                + "  Port " + gateway.port() + "\n"
                + "  HostKeyAlias " + gatewayAlias() + "\n"
                + (plan ? "  LogLevel QUIET\n" : "")
                + common(plan);
    }

    String knownHostsText() {
        return "# Postern: org " + org + ", login context " + context + "; machines prove themselves with host"
                + " certificates of the org's host CA\n"
                + "@cert-authority *.internal " + hostCaKey + "\n"
                + gatewayAlias() + " " + gatewayHostKey + "\n";
    }

    private static Optional<String> contextName(String name) {
        try {
            return Optional.of(ContextNames.check(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
