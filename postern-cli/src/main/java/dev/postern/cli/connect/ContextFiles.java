package dev.postern.cli.connect;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
