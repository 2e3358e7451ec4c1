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
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * Names of the files the CLI keeps per login context and org under {@code $POSTERN_HOME}: the kept identity
 * {@code ssh/id_<context>_<org>} and the cached facts {@code cache/facts_<context>.json}. Context names may hold
 * {@code : [ ] @} (e.g. {@code 127.0.0.1:7070}); in a file name every character but letters, digits, '.', '-' is
 * written as '_' and, when anything was replaced, a short hash of the real name follows, so two contexts never
 * share a file ({@code a:b} and {@code a_b} differ). Org names are DNS labels (no '_'), so the last '_' always
 * separates context and org.
 *
 * <pre>{@code ContextFiles.keptKey(home, "127.0.0.1:7070", "acme")  // ~/.postern/ssh/id_127.0.0.1_7070-1a2b3c4d_acme}</pre>
 */
public final class ContextFiles {
    private ContextFiles() {
    }

    /**
     * Every file {@code context} keeps here: its kept keys, certificates and their lock files of every org and its
     * cached facts,
     * those that exist. For {@code auth logout}: a logged-out context leaves no key that still logs in for hours.
     * Only names this class makes are matched, so another context's files (one whose name starts like this one's)
     * are never among them.
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
        String prefix = "id_" + part(context) + "_";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ssh, f -> f.getFileName().toString()
                .startsWith(prefix))) {
            for (Path f : files) {
                // what follows is an org name (no '_'), alone or with "-cert.pub" or ".lock" (KeptLock)
                String org = f.getFileName().toString().substring(prefix.length())
                        .replaceFirst("(-cert\\.pub|\\.lock)$", "");
                if (SshSyntax.name(org).isPresent()) {
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
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(context.getBytes(StandardCharsets.UTF_8));
            return (safe.startsWith(".") ? "_" + safe.substring(1) : safe) + "-" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
