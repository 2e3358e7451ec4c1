package dev.postern.agent.tunnel;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the gateway's host key against {@link GatewayTrust}. For a certificate, MINA has already verified the
 * CA signature, HOST type and that the dialled name is a principal (or refused the key exchange); this adds
 * that the CA is one we trust and the validity window on the injected clock.
 */
final class GatewayKeyVerifier implements ServerKeyVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayKeyVerifier.class);
    private static final Duration SKEW = Duration.ofSeconds(60);
    private final GatewayTrust trust;
    private final Clock clock;

    GatewayKeyVerifier(GatewayTrust trust, Clock clock) {
        this.trust = trust;
        this.clock = clock;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        PublicKey plain = key instanceof OpenSshCertificate ? ((OpenSshCertificate) key).getCertPubKey() : key;
        if (trust.pinnedKeys().stream().anyMatch(k -> KeyUtils.compareKeys(k, plain))) {
            return true;
        }
        if (key instanceof OpenSshCertificate) {
            OpenSshCertificate cert = (OpenSshCertificate) key;
            long now = clock.instant().getEpochSecond();
            boolean caTrusted = trust.hostCaKeys().stream().anyMatch(k -> KeyUtils.compareKeys(k, cert.getCaPubKey()));
            boolean valid = Long.compareUnsigned(cert.getValidAfter(), now + SKEW.getSeconds()) <= 0
                    && Long.compareUnsigned(Math.max(0, now - SKEW.getSeconds()), cert.getValidBefore()) < 0;
            boolean named = !trust.gatewayName().isEmpty() && cert.getPrincipals().contains(trust.gatewayName());
            if (cert.getType() == OpenSshCertificate.Type.HOST && caTrusted && valid && named) {
                return true;
            }
        }
        LOG.warn("gateway {} presented host key {} which is neither pinned nor certified by a trusted host CA "
                + "for \"{}\"; not connecting", remote, KeyUtils.getFingerPrint(plain), trust.gatewayName());
        return false;
    }
}
