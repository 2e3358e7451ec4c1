package dev.postern.ssh.cipher;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.NoSuchPaddingException;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.cipher.CipherFactory;

/**
 * Makes {@link ChaCha20Poly1305} ciphers under OpenSSH's name; used in place of MINA's
 * {@code BuiltinCiphers.cc20p1305_openssh} (same name, sizes and wire format). Supported wherever the JDK has its
 * {@code ChaCha20} cipher (JDK 11 on).
 */
public enum ChaCha20Poly1305Factory implements CipherFactory {
    /** The one factory. */
    INSTANCE;

    /** OpenSSH's name for the cipher. */
    public static final String NAME = "chacha20-poly1305@openssh.com";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Cipher create() {
        try {
            return new ChaCha20Poly1305(Poly1305Choice.current().create());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20 cipher", e);
        }
    }

    @Override
    public boolean isSupported() {
        try {
            javax.crypto.Cipher.getInstance("ChaCha20");
            return true;
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            return false;
        }
    }

    @Override
    public String getAlgorithm() {
        return "ChaCha20";
    }

    @Override
    public String getTransformation() {
        return "ChaCha20";
    }

    @Override
    public int getIVSize() {
        return 8;
    }

    @Override
    public int getAuthenticationTagSize() {
        return ChaCha20Poly1305.TAG_BYTES;
    }

    @Override
    public int getCipherBlockSize() {
        return 8;
    }

    @Override
    public int getKdfSize() {
        return 2 * ChaCha20Poly1305.KEY_BYTES;
    }

    @Override
    public int getKeySize() {
        return 8 * 2 * ChaCha20Poly1305.KEY_BYTES;
    }
}
