package dev.postern.cli.ssh;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSASupport;

/**
 * An Ed25519 key pair made on this machine; only {@link #publicKeyLine()} ever goes to the server. Private
 * material leaves this object only as an OpenSSH private-key file or an ssh-agent message.
 */
final class UserKeyPair {
    private final KeyPair keyPair;

    private UserKeyPair(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    static UserKeyPair generate() {
        try {
            return new UserKeyPair(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256));
        } catch (GeneralSecurityException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot generate an Ed25519 key: " + e.getMessage(), e);
        }
    }

    /** {@code ssh-ed25519 AAAA...}: what the server certifies. */
    PublicKey publicKey() {
        return keyPair.getPublic();
    }

    String publicKeyLine() {
        return PublicKeyEntry.toString(keyPair.getPublic());
    }

    /** The private key in OpenSSH's format (unencrypted: it lives at most 72 hours, 0600). */
    byte[] openSshPrivateKey(String comment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, comment, null, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot encode the private key: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** ENC(A): the 32-byte public point. */
    byte[] publicPoint() {
        return support().getPublicKeyData(keyPair.getPublic());
    }

    /** k: the 32-byte private seed. */
    byte[] privateSeed() {
        try {
            return support().getPrivateKeyData(keyPair.getPrivate());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read the private key: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static EdDSASupport<PublicKey, PrivateKey> support() {
        return (EdDSASupport<PublicKey, PrivateKey>) SecurityUtils.getEdDSASupport().orElseThrow(
                () -> new CliException(ExitCodes.FAILURE, "no Ed25519 provider (BouncyCastle) on the class path"));
    }
}
