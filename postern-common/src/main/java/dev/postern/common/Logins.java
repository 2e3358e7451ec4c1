package dev.postern.common;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Login names (the principals of user certificates, the Unix accounts people reach) and the names no member may
 * ever be given as their own: root, its aliases and the usual system accounts. This is the one list; the
 * server, the store and the CLI all ask it.
 *
 * <pre>{@code
 * Logins.isReserved("root")        // true
 * Logins.proposal("jane@example")  // Optional[jane]
 * }</pre>
 */
public final class Logins {
    /** A portable Unix login: lower-case, starts with a letter or '_', at most 32 characters. */
    private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

    /**
     * uid 0 and its aliases, and the accounts Debian, Ubuntu, RHEL and Alpine create for daemons and
     * administration: a member given one of these could run as, or next to, the system.
     */
    private static final Set<String> RESERVED = Set.of(
            "root", "toor", "admin", "administrator", "adm", "daemon", "bin", "sys", "sync", "games", "man", "lp",
            "mail", "news", "uucp", "proxy", "www-data", "www", "backup", "list", "irc", "gnats", "nobody", "nogroup",
            "messagebus", "sshd", "postgres", "mysql", "_apt", "halt", "shutdown", "operator", "ftp", "wheel",
            "sudo", "staff", "dbus", "polkitd", "avahi", "syslog", "tss", "uuidd", "tcpdump", "landscape", "pollinate",
            "lxd", "dnsmasq", "usbmux", "rtkit", "colord", "saned", "pulse", "ntp", "chrony", "postfix", "nginx",
            "apache", "httpd", "docker", "containerd", "redis", "nscd", "rpc", "rpcuser", "nfsnobody",
            "gdm", "lightdm", "kernoops", "whoopsie", "geoclue", "cups-pk-helper", "fwupd-refresh", "sssd", "ubuntu",
            "debian", "ec2-user", "centos", "fedora", "cloud-user", "vagrant", "git", "postern");

    private Logins() {
    }

    /** True for a syntactically valid login name. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * True for a name no one may hold as their own login: root and its aliases, system and daemon accounts,
     * the default accounts of cloud images, and every {@code systemd-*} account.
     */
    public static boolean isReserved(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return RESERVED.contains(n) || n.startsWith("systemd-") || n.startsWith("_");
    }

    /**
     * Checks a login someone is to be given as their own, or throws naming it and the fix: valid and not
     * reserved. Uniqueness within the org is the store's to check.
     */
    public static String checkPersonal(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("login " + Untrusted.quote(name) + " is not a valid login name; use 1"
                    + " to 32 lower-case letters, digits, '_', '.', '-', starting with a letter or '_' (e.g. jane)");
        }
        if (isReserved(name)) {
            throw new IllegalArgumentException("login '" + name + "' is reserved (root, its aliases and system"
                    + " accounts are never a person's own login); choose another, e.g. the person's first name");
        }
        return name;
    }

    /** The e-mail's local part if it is as is a valid login that is not reserved; empty otherwise. */
    public static Optional<String> proposal(String email) {
        int at = email == null ? -1 : email.indexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        String local = email.substring(0, at).toLowerCase(Locale.ROOT);
        return isValid(local) && !isReserved(local) ? Optional.of(local) : Optional.empty();
    }
}
