package dev.postern.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Reads OpenSSH public key text: {@code authorized_keys}-style lines such as sshd's TrustedUserCAKeys file
 * ({@code ssh-ed25519 AAAA... comment}) and certificate files ({@code ...-cert.pub}).
 *
 * <pre>{@code
 * List<PublicKey> caKeys = OpenSshKeys.readPublicKeys(Path.of("user_ca.pub"));
 * }</pre>
 */
public final class OpenSshKeys {
    private OpenSshKeys() {
    }

    /** Parses one key per non-blank, non-comment line. */
    public static List<PublicKey> parsePublicKeys(String text) {
        List<PublicKey> keys = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(parsePublicKey(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(keys);
    }

    /** Reads {@link #parsePublicKeys} from a file; an error names the file and the line. */
    public static List<PublicKey> readPublicKeys(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parsePublicKeys(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses one {@code type base64 [comment]} line (a plain key or a certificate). */
    public static PublicKey parsePublicKey(String line) {
        String shown = line.length() > 40 ? line.substring(0, 40) + "..." : line;
        try {
            PublicKeyEntry entry = PublicKeyEntry.parsePublicKeyEntry(line.strip());
            PublicKey key = entry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
            if (key == null) {
                throw new IllegalArgumentException("unsupported key type in \"" + shown + "\"");
            }
            return key;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an OpenSSH public key line: \"" + shown + "\" (" + e.getMessage()
                    + ")", e);
        }
    }

    /** Reads a single certificate file as written by {@code ssh-keygen -s}. */
    public static OpenSshCertificate readCertificate(Path file) throws IOException {
        List<PublicKey> keys = readPublicKeys(file);
        if (keys.size() != 1 || !(keys.get(0) instanceof OpenSshCertificate)) {
            throw new IllegalArgumentException(file + " does not hold exactly one OpenSSH certificate "
                    + "(expected one line like 'ssh-ed25519-cert-v01@openssh.com AAAA...')");
        }
        return (OpenSshCertificate) keys.get(0);
    }

    /** The {@code type base64} line of a public key or certificate, without comment. */
    public static String toLine(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }
}
