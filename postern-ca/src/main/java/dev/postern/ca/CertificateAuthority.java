package dev.postern.ca;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * An Ed25519 SSH certificate authority: signs user and host certificates that stock OpenSSH accepts.
 *
 * <pre>{@code
 * SealedCaKey stored = CertificateAuthority.generate(sealer, "org:acme/user-ca");   // once, then persist
 * CertificateAuthority ca = CertificateAuthority.open(sealer, stored, "org:acme/user-ca");
 * SignedCertificate cert = ca.signUser(new UserCertRequest(...));
 * }</pre>
 *
 * <p>Immutable and thread-safe; each signature uses a fresh random certificate nonce.
 */
public final class CertificateAuthority {
    private final KeyPair keyPair;
    private final String publicKeyLine;

    private CertificateAuthority(KeyPair keyPair, String publicKeyLine) {
        this.keyPair = keyPair;
        this.publicKeyLine = publicKeyLine;
    }

    /**
     * Creates a fresh CA key pair and seals its private half under {@code context} (for example
     * {@code "org:acme/user-ca"}; use a different context per org and role so sealed keys cannot be swapped).
     */
    public static SealedCaKey generate(KeySealer sealer, String context) {
        Objects.requireNonNull(sealer, "sealer");
        KeyPair pair = Ed25519Keys.generate();
        byte[] pkcs8 = Ed25519Keys.encodePrivate(pair);
        try {
            return new SealedCaKey(SshKeys.toLine(pair.getPublic()), sealer.seal(pkcs8, context));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /**
     * Unseals a stored CA key.
     *
     * @throws SealException            when the master key or context is not the one it was sealed with
     * @throws IllegalArgumentException when the private key does not belong to {@code key.publicKeyLine()}
     */
    public static CertificateAuthority open(KeySealer sealer, SealedCaKey key, String context) {
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(key, "key");
        byte[] pkcs8 = sealer.open(key.sealedPrivateKey(), context);
        KeyPair pair;
        try {
            pair = Ed25519Keys.decodePrivate(pkcs8);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        String derived = SshKeys.toLine(pair.getPublic());
        if (!sameKey(derived, key.publicKeyLine())) {
            throw new IllegalArgumentException("sealed CA key " + context + " does not match its public key line '"
                    + SshKeys.abbreviate(key.publicKeyLine()) + "'; the stored record was altered or mixed up");
        }
        return new CertificateAuthority(pair, derived);
    }

    /** The CA's public key, {@code ssh-ed25519 AAAA...}, for TrustedUserCAKeys or {@code @cert-authority}. */
    public String publicKeyLine() {
        return publicKeyLine;
    }

    /** {@code SHA256:...} of the CA key, as {@code ssh-keygen -lf} and {@code ssh-keygen -L} ("Signing CA") print it. */
    public String fingerprint() {
        return SshKeys.fingerprint(keyPair.getPublic());
    }

    /** Signs a user certificate. */
    public SignedCertificate signUser(UserCertRequest r) {
        Map<String, String> extensions = new LinkedHashMap<>();
        r.extensions().forEach(e -> extensions.put(e, ""));
        extensions.putAll(r.valuedExtensions());
        OpenSshCertificateBuilder b = OpenSshCertificateBuilder.userCertificate()
                .extensions(extensions)
                .criticalOptions(r.criticalOptions());
        return sign(b, r.subjectPublicKeyLine(), r.serial(), r.keyId(), r.principals(), r.validAfter(), r.validBefore());
    }

    /** Signs a host certificate (no options or extensions: OpenSSH defines none for hosts). */
    public SignedCertificate signHost(HostCertRequest r) {
        return sign(OpenSshCertificateBuilder.hostCertificate(), r.subjectPublicKeyLine(), r.serial(), r.keyId(),
                r.principals(), r.validAfter(), r.validBefore());
    }

    private SignedCertificate sign(OpenSshCertificateBuilder builder, String subjectLine, long serial, String keyId,
                                   java.util.List<String> principals, Instant validAfter, Instant validBefore) {
        PublicKey subject = SshKeys.parseSubjectKey(subjectLine, "subjectPublicKeyLine");
        if (KeyUtils.compareKeys(subject, keyPair.getPublic())) {
            throw new IllegalArgumentException("subjectPublicKeyLine '" + SshKeys.abbreviate(subjectLine)
                    + "' is this CA's own public key; a CA key is never certified: certify your own key"
                    + " (ssh-keygen -t ed25519 makes one)");
        }
        long after = validAfter.getEpochSecond();
        long before = validBefore.getEpochSecond();
        OpenSshCertificate cert;
        try {
            cert = builder.publicKey(subject)
                    .serial(serial)
                    .id(keyId)
                    .principals(principals)
                    .validAfter(after)
                    .validBefore(before)
                    .sign(keyPair, KeyPairProvider.SSH_ED25519);
        } catch (Exception e) {
            throw new IllegalStateException("signing certificate serial " + serial + " for '" + keyId + "' failed: "
                    + e.getMessage(), e);
        }
        return new SignedCertificate(SshKeys.toLine(cert), serial, keyId, principals,
                Instant.ofEpochSecond(after), Instant.ofEpochSecond(before), SshKeys.fingerprint(subject));
    }

    /** Compares "type base64" and ignores any comment after them. */
    private static boolean sameKey(String a, String b) {
        String[] x = a.strip().split("\\s+");
        String[] y = b.strip().split("\\s+");
        return x.length >= 2 && y.length >= 2 && x[0].equals(y[0]) && x[1].equals(y[1]);
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + fingerprint() + "]";
    }
}
