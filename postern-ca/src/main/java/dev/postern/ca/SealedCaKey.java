package dev.postern.ca;

import java.util.Arrays;
import java.util.Objects;

/**
 * A CA key as stored: the public half in the clear, the private half sealed by {@link KeySealer}.
 *
 * @param publicKeyLine    {@code ssh-ed25519 AAAA...}, what sshd's TrustedUserCAKeys and known_hosts'
 *                         {@code @cert-authority} lines hold
 * @param sealedPrivateKey the PKCS#8 private key sealed under the master key and the CA's context
 */
public record SealedCaKey(String publicKeyLine, byte[] sealedPrivateKey) {
    public SealedCaKey {
        if (publicKeyLine == null || !publicKeyLine.startsWith("ssh-ed25519 ")) {
            throw new IllegalArgumentException("publicKeyLine must be an 'ssh-ed25519 AAAA...' line, got '"
                    + (publicKeyLine == null ? null : SshKeys.abbreviate(publicKeyLine)) + "'");
        }
        Objects.requireNonNull(sealedPrivateKey, "sealedPrivateKey");
        sealedPrivateKey = sealedPrivateKey.clone();
    }

    @Override
    public byte[] sealedPrivateKey() {
        return sealedPrivateKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedCaKey other && publicKeyLine.equals(other.publicKeyLine)
                && Arrays.equals(sealedPrivateKey, other.sealedPrivateKey);
    }

    @Override
    public int hashCode() {
        return 31 * publicKeyLine.hashCode() + Arrays.hashCode(sealedPrivateKey);
    }

    @Override
    public String toString() {
        return "SealedCaKey[" + publicKeyLine + ", sealed " + sealedPrivateKey.length + " bytes]";
    }
}
