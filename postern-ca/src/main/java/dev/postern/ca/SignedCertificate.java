package dev.postern.ca;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate the CA signed, with the facts worth storing and showing.
 *
 * @param certificateLine      {@code ssh-ed25519-cert-v01@openssh.com AAAA...} (or the ecdsa/rsa variant),
 *                             ready to write as {@code id_ed25519-cert.pub}
 * @param serial               the serial inside the certificate
 * @param keyId                the key id inside the certificate
 * @param principals           the principals inside the certificate
 * @param validAfter           start of validity, whole seconds as signed
 * @param validBefore          end of validity, whole seconds as signed
 * @param publicKeyFingerprint {@code SHA256:...} of the subject key, as {@code ssh-keygen -lf} prints it
 */
public record SignedCertificate(String certificateLine, long serial, String keyId, List<String> principals,
                                Instant validAfter, Instant validBefore, String publicKeyFingerprint) {
    public SignedCertificate {
        Objects.requireNonNull(certificateLine, "certificateLine");
        Objects.requireNonNull(keyId, "keyId");
        principals = List.copyOf(principals);
        Objects.requireNonNull(validAfter, "validAfter");
        Objects.requireNonNull(validBefore, "validBefore");
        Objects.requireNonNull(publicKeyFingerprint, "publicKeyFingerprint");
    }
}
