package dev.postern.cli.connect;

import java.net.SocketAddress;
import java.security.PublicKey;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accepts exactly one host key: the gateway's, as published by the control plane. */
final class PinnedKeyVerifier implements ServerKeyVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(PinnedKeyVerifier.class);
    private final PublicKey expected;

    PinnedKeyVerifier(PublicKey expected) {
        this.expected = expected;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        boolean ok = KeyUtils.compareKeys(expected, key);
        if (!ok) {
            LOG.warn("gateway {} showed host key {}, but the control plane publishes {}", remote,
                    KeyUtils.getFingerPrint(key), KeyUtils.getFingerPrint(expected));
        }
        return ok;
    }
}
