package dev.postern.cli.connect;

import java.security.KeyPair;
import java.util.Objects;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * A private key and the user certificate for it, as MINA's client presents them.
 *
 * @param keyPair the plain key pair
 * @param certificate the org user CA's certificate for {@code keyPair}'s public key
 * @param source where it came from, for messages: a file path or "a new 1-hour certificate"
 */
public record UserIdentity(KeyPair keyPair, OpenSshCertificate certificate, String source) {
    public UserIdentity {
        Objects.requireNonNull(keyPair, "keyPair");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(source, "source");
    }

    /** The pair MINA signs with: the certificate as public key, the plain private key. */
    public KeyPair loginKey() {
        return new KeyPair(certificate, keyPair.getPrivate());
    }

    @Override
    public String toString() {
        return "UserIdentity[" + certificate.getId() + " from " + source + "]";
    }
}
