package dev.postern.ca;

import dev.postern.common.Untrusted;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/** OpenSSH public key text ({@code ssh-ed25519 AAAA... comment}) to keys and back, via MINA. */
final class SshKeys {
    /** Key types the CA will certify; these are the ones MINA's certificate builder knows. */
    static final Set<String> CERTIFIABLE_TYPES = Set.of(
            KeyPairProvider.SSH_ED25519,
            KeyPairProvider.ECDSA_SHA2_NISTP256,
            KeyPairProvider.ECDSA_SHA2_NISTP384,
            KeyPairProvider.ECDSA_SHA2_NISTP521,
            KeyPairProvider.SSH_RSA);

    /** RSA keys shorter than this are refused: 1024-bit RSA is within reach of a well-funded attacker. */
    static final int MIN_RSA_BITS = 2048;
    /** What every refusal of a key type or size tells the user to do instead. */
    static final String NEW_KEY_HINT = "make a new key with 'ssh-keygen -t ed25519' and certify its .pub";

    private SshKeys() {
    }

    /**
     * Parses a plain (non-certificate) public key line of a certifiable type.
     *
     * @param field names the field in error messages, e.g. "subjectPublicKeyLine"
     */
    static PublicKey parseSubjectKey(String line, String field) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException(field + " is required: an OpenSSH public key line such as"
                    + " the content of ~/.ssh/id_ed25519.pub");
        }
        PublicKeyEntry entry;
        try {
            entry = PublicKeyEntry.parsePublicKeyEntry(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' is not an OpenSSH public key line"
                    + " ('<type> <base64> [comment]'): " + why(e), e);
        }
        String type = entry.getKeyType();
        if (type.endsWith("-cert-v01@openssh.com")) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' is a certificate ("
                    + shownType(type) + "); give the plain public key (the .pub file, not -cert.pub)");
        }
        if (!CERTIFIABLE_TYPES.contains(type)) {
            String why = type.equals(KeyPairProvider.SSH_DSS) ? " (DSA is limited to 1024 bits and disabled in"
                    + " OpenSSH)" : "";
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' has key type " + shownType(type)
                    + why + ", which cannot be certified; use one of " + sorted(CERTIFIABLE_TYPES) + ": "
                    + NEW_KEY_HINT);
        }
        PublicKey key;
        try {
            key = entry.resolvePublicKey(null, Collections.emptyMap(), PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' does not decode as a " + type
                    + " key: " + why(e), e);
        }
        if (key == null || key instanceof OpenSshCertificate || !type.equals(KeyUtils.getKeyType(key))) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' does not decode as a " + type
                    + " key");
        }
        // MINA reads the key and ignores what follows it: a CA key with bytes appended would pass any check that
        // compares key lines. OpenSSH refuses such blobs (SSH_ERR_UNEXPECTED_TRAILING_DATA); so do we.
        byte[] canonical = blob(key);
        if (!Arrays.equals(canonical, entry.getKeyData())) {
            int extra = entry.getKeyData().length - canonical.length;
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' is not in OpenSSH's encoding of a "
                    + type + " key" + (extra > 0 ? " (" + extra + " bytes of trailing data after the key)" : "")
                    + "; give the .pub file exactly as ssh-keygen wrote it");
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' is an RSA key of "
                    + rsa.getModulus().bitLength() + " bits; the CA certifies RSA keys of at least " + MIN_RSA_BITS
                    + " bits: " + NEW_KEY_HINT);
        }
        return key;
    }

    /** The key's SSH wire encoding (RFC 4253 section 6.6), as a key line's base64 should decode to. */
    private static byte[] blob(PublicKey key) {
        ByteArrayBuffer buffer = new ByteArrayBuffer();
        buffer.putRawPublicKey(key);
        return buffer.getCompactData();
    }

    /** The single-line OpenSSH form of a public key or certificate, without comment. */
    static String toLine(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** OpenSSH's default fingerprint, {@code SHA256:<base64 without padding>}, as {@code ssh-keygen -l} prints. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    /**
     * Keeps error messages readable and safe: a 4 KiB RSA line is quoted by its head and tail, and characters that
     * could move a terminal's cursor or hide text are escaped ({@link Untrusted#escape}).
     */
    static String abbreviate(String value) {
        String oneLine = value.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? Untrusted.escape(oneLine) : Untrusted.escape(oneLine.substring(0, 50)) + "..."
                + Untrusted.escape(oneLine.substring(oneLine.length() - 20));
    }

    /** A key type read from the line: as is when it is a plain name, else quoted short and escaped. */
    private static String shownType(String type) {
        return type.matches("[a-z0-9@.-]{1,64}") ? type : Untrusted.quote(type);
    }

    /** MINA's reason, which may repeat the whole line: quoted short and escaped. */
    private static String why(Exception e) {
        return Untrusted.quote(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static String sorted(Set<String> values) {
        return new java.util.TreeSet<>(values).toString();
    }
}
