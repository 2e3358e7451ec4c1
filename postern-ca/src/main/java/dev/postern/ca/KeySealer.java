package dev.postern.ca;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts small secrets (CA private keys) at rest with AES-256-GCM under the server's master key.
 *
 * <p>A sealed blob is {@code version(1) || nonce(12) || ciphertext || tag(16)}. The version byte and the
 * caller's {@code context} (for example {@code "org:acme/user-ca"}) are authenticated as associated data, so
 * a blob sealed for one org or role cannot be opened as another's.
 *
 * <pre>{@code
 * KeySealer sealer = new KeySealer(MasterKey.loadOrCreate(dataDir.resolve("master.key"), System.getenv("POSTERN_MASTER_KEY")));
 * byte[] blob = sealer.seal(privateKey, "org:acme/user-ca");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class KeySealer {
    static final byte FORMAT_VERSION = 1;
    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BITS / 8;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param masterKey exactly 32 bytes; copied, so the caller may wipe its array afterwards */
    public KeySealer(byte[] masterKey) {
        Objects.requireNonNull(masterKey, "masterKey");
        if (masterKey.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "master key must be " + KEY_BYTES + " bytes (AES-256), got " + masterKey.length + " bytes");
        }
        this.key = new SecretKeySpec(masterKey.clone(), "AES");
    }

    /** Encrypts {@code plaintext}, binding it to {@code context}; every call uses a fresh random nonce. */
    public byte[] seal(byte[] plaintext, String context) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] aad = aad(context);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] out = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            out[0] = FORMAT_VERSION;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
            return written == out.length - 1 - NONCE_BYTES ? out : Arrays.copyOf(out, 1 + NONCE_BYTES + written);
        } catch (GeneralSecurityException e) {
            // AES-GCM is mandatory in every JDK; reaching this means a broken runtime, not bad input
            throw new IllegalStateException("AES-256-GCM is not available in this JDK", e);
        }
    }

    /**
     * Decrypts a blob made by {@link #seal} with the same master key and context.
     *
     * @throws SealException when the key or context differs or the blob was altered
     */
    public byte[] open(byte[] sealed, String context) {
        Objects.requireNonNull(sealed, "sealed");
        byte[] aad = aad(context);
        if (sealed.length < OVERHEAD) {
            throw new SealException("cannot unseal " + context + ": sealed data is truncated (" + sealed.length
                    + " bytes, at least " + OVERHEAD + " expected)");
        }
        if (sealed[0] != FORMAT_VERSION) {
            throw new SealException("cannot unseal " + context + ": unknown format version " + (sealed[0] & 0xff)
                    + " (this build reads version " + FORMAT_VERSION + ")");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealException("cannot unseal " + context + ": wrong master key or corrupted data", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JDK", e);
        }
    }

    private static byte[] aad(String context) {
        Objects.requireNonNull(context, "context");
        if (context.isEmpty()) {
            throw new IllegalArgumentException("seal context must not be empty; use e.g. \"org:<id>/user-ca\"");
        }
        byte[] text = context.getBytes(StandardCharsets.UTF_8);
        byte[] aad = new byte[1 + text.length];
        aad[0] = FORMAT_VERSION;
        System.arraycopy(text, 0, aad, 1, text.length);
        return aad;
    }

    @Override
    public String toString() {
        return "KeySealer[AES-256-GCM]";
    }
}
