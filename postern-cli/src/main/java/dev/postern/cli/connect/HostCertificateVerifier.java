package dev.postern.cli.connect;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trusts a machine only through its host certificate: a HOST certificate, signed by the org's host CA,
 * naming the machine we asked for, valid now. A plain key is refused by name; there is no
 * trust-on-first-use. The expected name is the host string of the session's connect address (see
 * {@link MachineConnection}, which connects with the machine's name attached to a loopback address).
 */
final class HostCertificateVerifier implements ServerKeyVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(HostCertificateVerifier.class);
    private final PublicKey hostCa;
    private final Clock clock;
    private final List<PublicKey> revoked;
    private volatile String lastRefusal = "";

    HostCertificateVerifier(PublicKey hostCa, Clock clock) {
        this(hostCa, clock, List.of());
    }

    /** Also refuses the host keys of removed machines, whatever certificate they show. */
    HostCertificateVerifier(PublicKey hostCa, Clock clock, List<PublicKey> revoked) {
        this.hostCa = hostCa;
        this.clock = clock;
        this.revoked = List.copyOf(revoked);
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        String name = expectedName(session.getConnectAddress());
        Optional<String> refusal = refusal(key, name, clock.instant());
        refusal.ifPresent(r -> {
            lastRefusal = r;
            LOG.warn("refused the host key of {}: {}", name, r);
        });
        return refusal.isEmpty();
    }

    /** Why the last key was refused, for the person's error message; empty when none was. */
    String lastRefusal() {
        return lastRefusal;
    }

    Optional<String> refusal(PublicKey key, String name, Instant now) {
        if (!(key instanceof OpenSshCertificate cert)) {
            return Optional.of(name + " showed a plain host key (" + KeyUtils.getFingerPrint(key)
                    + "), not a host certificate of the org's host CA");
        }
        if (cert.getType() != OpenSshCertificate.Type.HOST) {
            return Optional.of(name + " showed a " + cert.getType() + " certificate, not a HOST certificate");
        }
        if (revoked.stream().anyMatch(k -> KeyUtils.compareKeys(k, cert.getCertPubKey()))) {
            return Optional.of(name + "'s host key " + KeyUtils.getFingerPrint(cert.getCertPubKey())
                    + " is revoked: it belonged to a removed machine");
        }
        if (!KeyUtils.compareKeys(cert.getCaPubKey(), hostCa)) {
            return Optional.of(name + "'s host certificate is signed by " + KeyUtils.getFingerPrint(cert.getCaPubKey())
                    + ", not by the org's host CA " + KeyUtils.getFingerPrint(hostCa));
        }
        if (!signatureValid(cert)) {
            return Optional.of(name + "'s host certificate has a bad CA signature");
        }
        if (!cert.getPrincipals().contains(name)) {
            return Optional.of(name + "'s host certificate names " + cert.getPrincipals() + ", not " + name);
        }
        Instant after = Instant.ofEpochSecond(cert.getValidAfter());
        long before = cert.getValidBefore();
        // validBefore is unsigned: anything past Long.MAX_VALUE (incl. INFINITY) means "forever"
        boolean forever = before == OpenSshCertificate.INFINITY || before < 0;
        if (now.isBefore(after) || (!forever && !now.isBefore(Instant.ofEpochSecond(before)))) {
            return Optional.of(name + "'s host certificate is not valid now (valid " + after + " to "
                    + (forever ? "forever" : Instant.ofEpochSecond(before).toString()) + ")");
        }
        return Optional.empty();
    }

    private static boolean signatureValid(OpenSshCertificate cert) {
        try {
            BuiltinSignatures factory = BuiltinSignatures.fromFactoryName(cert.getSignatureAlgorithm());
            if (factory == null || !factory.isSupported()) {
                return false;
            }
            Signature verifier = factory.create();
            verifier.initVerifier(null, cert.getCaPubKey());
            verifier.update(null, cert.getMessage());
            return verifier.verify(null, cert.getSignature());
        } catch (Exception e) {
            return false;
        }
    }

    static String expectedName(SocketAddress address) {
        return address instanceof InetSocketAddress a ? a.getHostString() : String.valueOf(address);
    }
}
