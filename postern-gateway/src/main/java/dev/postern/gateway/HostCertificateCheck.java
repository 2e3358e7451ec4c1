package dev.postern.gateway;

import dev.postern.ssh.CertificateRefusedException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * The checks on a machine's host certificate used as its login credential: HOST type, signed by one of the org's
 * host CAs (signature verified), valid now within the skew, the machine's name among the principals, no
 * critical options, not revoked (the caller checks revocation, it knows the list).
 */
final class HostCertificateCheck {
    // As OpenSSH's default CASignatureAlgorithms: no SHA-1 "ssh-rsa".
    private static final Map<String, BuiltinSignatures> CA_SIGNATURES = Map.of(
            "ssh-ed25519", BuiltinSignatures.ed25519,
            "ecdsa-sha2-nistp256", BuiltinSignatures.nistp256,
            "ecdsa-sha2-nistp384", BuiltinSignatures.nistp384,
            "ecdsa-sha2-nistp521", BuiltinSignatures.nistp521,
            "rsa-sha2-256", BuiltinSignatures.rsaSHA256,
            "rsa-sha2-512", BuiltinSignatures.rsaSHA512);

    private HostCertificateCheck() {
    }

    static void check(OpenSshCertificate cert, List<PublicKey> hostCas, String principal, Clock clock, Duration skew)
            throws CertificateRefusedException {
        if (cert.getType() != OpenSshCertificate.Type.HOST) {
            throw new CertificateRefusedException("not a host certificate (type " + cert.getType() + ")");
        }
        PublicKey ca = cert.getCaPubKey();
        if (hostCas.stream().noneMatch(k -> KeyUtils.compareKeys(k, ca))) {
            throw new CertificateRefusedException("host certificate signed by " + KeyUtils.getFingerPrint(ca)
                    + ", not by the org's host CA");
        }
        verifySignature(cert);
        long now = clock.instant().getEpochSecond();
        long s = skew.getSeconds();
        if (Long.compareUnsigned(cert.getValidAfter(), now + s) > 0) {
            throw new CertificateRefusedException("host certificate not yet valid");
        }
        if (Long.compareUnsigned(Math.max(0, now - s), cert.getValidBefore()) >= 0) {
            throw new CertificateRefusedException("host certificate expired");
        }
        if (!cert.getPrincipals().contains(principal)) {
            throw new CertificateRefusedException("host certificate principals " + cert.getPrincipals()
                    + " do not include " + principal);
        }
        if (!cert.getCriticalOptions().isEmpty()) {
            throw new CertificateRefusedException("host certificate has critical options");
        }
    }

    private static void verifySignature(OpenSshCertificate cert) throws CertificateRefusedException {
        String alg = cert.getSignatureAlgorithm();
        BuiltinSignatures factory = alg == null ? null : CA_SIGNATURES.get(alg);
        if (factory == null || !KeyUtils.getKeyType(cert.getCaPubKey()).equals(KeyUtils.getCanonicalKeyType(alg))) {
            throw new CertificateRefusedException("CA signature algorithm " + alg + " not accepted");
        }
        try {
            Signature verifier = factory.create();
            verifier.initVerifier(null, cert.getCaPubKey());
            verifier.update(null, cert.getMessage());
            if (verifier.verify(null, cert.getSignature())) {
                return;
            }
        } catch (Exception e) {
            throw new CertificateRefusedException("CA signature does not verify: " + e.getMessage());
        }
        throw new CertificateRefusedException("CA signature does not verify");
    }
}
