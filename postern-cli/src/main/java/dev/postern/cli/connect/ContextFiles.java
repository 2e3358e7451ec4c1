package dev.postern.cli.connect;

import dev.postern.cli.client.PrivateFiles;
import dev.postern.cli.client.SshSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * Names of the files the CLI keeps per login context and org under {@code $POSTERN_HOME}: the kept identity
 * {@code ssh/id_<context>_<org>}, the cached facts {@code cache/facts_<context>.json}, and what
 * {@code ssh config --write} writes, {@code ssh/<context>_<org>_<app>.conf} and {@code ssh/known_hosts_<context>_<org>};
 * and the context's {@link #label} in the host names and gateway alias of those configs. Context names may hold
 * {@code : [ ] @} (e.g. {@code 127.0.0.1:7070}); in a file name every character but letters, digits, '.', '-' is
 * written as '_' and, when anything was replaced, a short hash of the real name follows ({@code a:b} and {@code a_b}
 * differ). A name with nothing to replace is written as it is, so one chosen to look like another's written form
 * ({@code cp_7070-<hash>} beside {@code cp:7070}) would share its files; and case is kept, so {@code Prod} and
 * {@code prod} would share files on a case-insensitive file system: {@code auth login} refuses both ({@link #twin}).
 * Org and app names are DNS labels (no '_'), so the last '_' (the last two in a config's name) always separates
 * context and org.
 *
 * <pre>{@code ContextFiles.keptKey(home, "127.0.0.1:7070", "acme")  // ~/.postern/ssh/id_127.0.0.1_7070-1a2b3c4d_acme}</pre>
 */
public final class ContextFiles {
    private ContextFiles() {
    }

    /** A context's {@link #label} as it is: a lower-case DNS label (at most 63), and not {@code internal}. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    /**
     * Every file {@code context} keeps here: its kept keys, certificates and their lock files of every org, the ssh
     * configs and known_hosts files of {@code ssh config --write}, its cached facts, and the launcher's OpenSSH
     * plans made with it ({@link PlanFiles}), those that exist. For {@code auth logout} and a stopping demo: a
     * logged-out context leaves no key that still logs in for hours, no config that still claims host names, and no
     * plan that piles up. Only names this class makes are matched, so another context's files (one whose name
     * starts like this one's) are never among them.
     */
    public static List<Path> of(Path posternHome, String context) throws IOException {
        List<Path> found = new ArrayList<>();
        Path facts = facts(posternHome, context);
        if (Files.exists(facts, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            found.add(facts);
        }
        Path ssh = posternHome.resolve("ssh").toAbsolutePath().normalize();
        if (!Files.isDirectory(ssh)) {
            return found;
        }
        found.addAll(PlanFiles.of(posternHome, context));
        String prefix = "id_" + part(context) + "_";
        String knownHosts = "known_hosts_" + part(context) + "_";
        String config = part(context) + "_";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ssh)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                // what follows is an org name (no '_'), alone or with "-cert.pub" or ".lock" (KeptLock); a config's
                // is "<org>_<app>.conf"
                boolean mine = name.startsWith(prefix) && SshSyntax.name(name.substring(prefix.length())
                        .replaceFirst("(-cert\\.pub|\\.lock)$", "")).isPresent()
                        || name.startsWith(knownHosts) && SshSyntax.name(name.substring(knownHosts.length())).isPresent()
                        || name.startsWith(config) && name.endsWith(".conf") && name.substring(config.length(),
                                name.length() - ".conf".length()).matches("[a-z0-9-]+_[a-z0-9-]+");
                if (mine) {
                    found.add(f);
                }
            }
        }
        found.sort(null);
        return found;
    }

    /**
     * The certificates among {@link #of}'s files that are this person's: a regular file (links are not followed) of
     * a readable size that certifies the kept private key beside it, itself a private file of this user. Any other
     * (someone else's certificate planted here, one whose key is gone) is left out: {@code auth logout} revokes what
     * this returns, and an admin's session could revoke anyone's serial.
     */
    public static List<KeptCertificate> certificates(Path posternHome, String context) throws IOException {
        String prefix = "id_" + part(context) + "_";
        String suffix = "-cert.pub";
        List<KeptCertificate> found = new ArrayList<>();
        for (Path f : of(posternHome, context)) {
            String name = f.getFileName().toString();
            if (!name.startsWith(prefix) || !name.endsWith(suffix)
                    || !Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String key = name.substring(0, name.length() - suffix.length());
            KeptIdentity kept = new KeptIdentity(f.resolveSibling(key));
            Optional<OpenSshCertificate> cert = kept.readCertificate();
            if (cert.isPresent() && kept.load(cert.get()).identity() != null) {
                found.add(new KeptCertificate(key.substring(prefix.length()), cert.get().getSerial(),
                        Instant.ofEpochSecond(Math.max(0, cert.get().getValidBefore()))));
            }
        }
        return found;
    }

    /** {@code $POSTERN_HOME/ssh/id_<context>_<org>}: the kept private key; its certificate is that + "-cert.pub". */
    public static Path keptKey(Path posternHome, String context, String org) {
        return posternHome.resolve("ssh").resolve("id_" + part(context) + "_" + org).toAbsolutePath().normalize();
    }

    /** {@code $POSTERN_HOME/ssh/<context>_<org>_<app>.conf}: the ssh_config {@code ssh config --write} writes. */
    public static Path sshConfig(Path posternHome, String context, String org, String app) {
        return posternHome.resolve("ssh").resolve(part(context) + "_" + org + "_" + app + ".conf").toAbsolutePath()
                .normalize();
    }

    /** {@code $POSTERN_HOME/ssh/known_hosts_<context>_<org>}: the gateway's key and the org's host CA, for those. */
    public static Path knownHosts(Path posternHome, String context, String org) {
        return posternHome.resolve("ssh").resolve("known_hosts_" + part(context) + "_" + org).toAbsolutePath()
                .normalize();
    }

    /**
     * The context as one lower-case DNS label, for host names and the gateway's alias in ssh configs
     * ({@code web.acme.internal.prod}, {@code postern-gateway-acme.prod}): the name itself when it is one (and not
     * {@code internal}, the suffix of the names without a context, and without {@code --}), else its letters and
     * digits joined by '-' (at most 24), {@code --} and 16 hex digits of the SHA-256 of the real name
     * ({@code 127.0.0.1:7070} gives {@code 127-0-0-1-7070--} and the hash). Two contexts never share a label: only a
     * hashed label holds {@code --}, and a hostile server, which can choose the name of its context (its URL's host),
     * cannot search 2^64 names for one whose label is that of another context with the same first 24 letters and
     * digits (with 8 hex digits, a search of 2^32 names took one CPU four minutes: {@code SshConfigLabelsIT}).
     */
    public static String label(String context) {
        if (LABEL.matcher(context).matches() && !context.equals("internal") && !context.contains("--")) {
            return context;
        }
        String safe = context.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+", "");
        safe = safe.substring(0, Math.min(safe.length(), 24)).replaceAll("-+$", "");
        return (safe.isEmpty() ? "context" : safe) + "--" + hash(context, 8);
    }

    /**
     * The context among {@code saved} whose files {@code name} would share, if any: one whose name differs only in
     * case ({@code prod} for {@code Prod}), or is written the same in file names, ignoring case (a case-insensitive file
     * system, macOS or Windows, takes them for one file): {@code cp:7070} for {@code cp_7070-<its hash>}; or, out of
     * reach by search (2^64), one of the same {@link #label}. A context of that name itself is not its own twin.
     */
    public static Optional<String> twin(Collection<String> saved, String name) {
        String file = part(name);
        String label = label(name);
        return saved.stream().filter(s -> !s.equals(name) && (s.equalsIgnoreCase(name) || part(s).equalsIgnoreCase(file)
                || label(s).equals(label))).findFirst();
    }

    /** {@code $POSTERN_HOME/cache/facts_<context>.json}. */
    static Path facts(Path posternHome, String context) {
        return posternHome.resolve("cache").resolve("facts_" + part(context) + ".json").toAbsolutePath().normalize();
    }

    /** The context name as a file-name part (see the class comment). */
    static String part(String context) {
        String safe = context.replaceAll("[^A-Za-z0-9.-]", "_");
        if (safe.equals(context) && !safe.startsWith(".")) {
            return safe;
        }
        return (safe.startsWith(".") ? "_" + safe.substring(1) : safe) + "-" + hash(context, 4);
    }

    /** The first {@code bytes} of the SHA-256 of {@code context}, in hex. */
    private static String hash(String context, int bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(context.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
