package dev.postern.ca;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collections;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

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
                    + " ('<type> <base64> [comment]'): " + e.getMessage(), e);
        }
        String type = entry.getKeyType();
        if (type.endsWith("-cert-v01@openssh.com")) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' is a certificate (" + type
                    + "); give the plain public key (the .pub file, not -cert.pub)");
        }
        if (!CERTIFIABLE_TYPES.contains(type)) {
            String why = type.equals(KeyPairProvider.SSH_DSS) ? " (DSA is limited to 1024 bits and disabled in"
                    + " OpenSSH)" : "";
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' has key type " + type + why
                    + ", which cannot be certified; use one of " + sorted(CERTIFIABLE_TYPES) + ": " + NEW_KEY_HINT);
        }
        PublicKey key;
        try {
            key = entry.resolvePublicKey(null, Collections.emptyMap(), PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' does not decode as a " + type
                    + " key: " + e.getMessage(), e);
        }
        if (key == null || key instanceof OpenSshCertificate || !type.equals(KeyUtils.getKeyType(key))) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' does not decode as a " + type
                    + " key");
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException(field + " '" + abbreviate(line) + "' is an RSA key of "
                    + rsa.getModulus().bitLength() + " bits; the CA certifies RSA keys of at least " + MIN_RSA_BITS
                    + " bits: " + NEW_KEY_HINT);
        }
        return key;
    }

    /** The single-line OpenSSH form of a public key or certificate, without comment. */
    static String toLine(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** OpenSSH's default fingerprint, {@code SHA256:<base64 without padding>}, as {@code ssh-keygen -l} prints. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    /** Keeps error messages readable: a 4 KiB RSA line is quoted by its head and tail. */
    static String abbreviate(String value) {
        String oneLine = value.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 50) + "..." + oneLine.substring(oneLine.length() - 20);
    }

    private static String sorted(Set<String> values) {
        return new java.util.TreeSet<>(values).toString();
    }
}
