package dev.postern.common.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A pin on a TLS server's key: {@code sha256:} and the lowercase hex SHA-256 of the certificate's
 * SubjectPublicKeyInfo (as Teleport's {@code ca_pins}). It names the key, not the certificate, so a certificate
 * renewed for the same key keeps its pin.
 *
 * @param value e.g. {@code sha256:9f86d0...}, always lowercase
 */
public record Fingerprint(String value) {
    /** The only algorithm so far. */
    public static final String PREFIX = "sha256:";
    private static final String SHAPE = "sha256:[0-9a-f]{64}";

    public Fingerprint {
        if (value == null || !value.matches(SHAPE)) {
            throw new IllegalArgumentException("not a fingerprint: " + shortened(value));
        }
    }

    /** The pin of a certificate's public key. */
    public static Fingerprint of(X509Certificate certificate) {
        return of(certificate.getPublicKey());
    }

    /** The pin of a public key (its X.509 SubjectPublicKeyInfo encoding). */
    public static Fingerprint of(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return new Fingerprint(PREFIX + HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /**
     * Reads a fingerprint typed by a person (case and surrounding blanks do not matter).
     *
     * @param option the option it came from, for the message, e.g. {@code --fingerprint}
     * @throws IllegalArgumentException naming the option, the (shortened) value and the expected shape
     */
    public static Fingerprint parse(String option, String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (!t.matches(SHAPE)) {
            throw new IllegalArgumentException(option + " '" + shortened(text) + "' is not a fingerprint; use the"
                    + " sha256:<64 hex digits> that 'postern server' printed (e.g. " + PREFIX + "3f0a...)");
        }
        return new Fingerprint(t);
    }

    private static String shortened(String s) {
        if (s == null) {
            return "";
        }
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }

    @Override
    public String toString() {
        return value;
    }
}
