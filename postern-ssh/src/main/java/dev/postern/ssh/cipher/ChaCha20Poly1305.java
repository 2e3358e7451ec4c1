package dev.postern.ssh.cipher;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.mac.Mac;

/**
 * {@code chacha20-poly1305@openssh.com} (OpenSSH's PROTOCOL.chacha20poly1305) composed of vetted primitives: the
 * JDK's {@code ChaCha20} stream cipher (RFC 8439, whose JIT intrinsics make it several times faster than MINA's
 * pure-Java engine) and a {@link Poly1305}: the JDK's where HotSpot intrinsifies it, else MINA's
 * {@link org.apache.sshd.common.mac.Poly1305Mac} ({@link Poly1305Choice}). No cryptographic primitive is written
 * here; this class only does the composition OpenSSH specifies:
 * <ul>
 * <li>the 64-byte key is K_2 (bytes 0-31, payload and Poly1305 key) then K_1 (bytes 32-63, packet length);</li>
 * <li>the nonce is the packet sequence number: OpenSSH's original ChaCha20 takes it as a 64-bit big-endian nonce
 * with a 64-bit block counter; the IETF variant's 96-bit nonce {@code 0x00000000 || uint64 seqnr} with its 32-bit
 * counter gives the same key stream, since a packet never reaches 2^32 blocks;</li>
 * <li>the Poly1305 key is the first 32 bytes of K_2's block 0; the payload is encrypted from block 1 on (the same
 * stream, continued); the length with K_1 from block 0;</li>
 * <li>the tag is Poly1305 over the encrypted length and the encrypted payload, checked in constant time before
 * anything is decrypted.</li>
 * </ul>
 * Like MINA's own cipher, the instance keeps the sequence number itself: {@link #init} gets the first one as the
 * 8-byte IV, and every {@link #update} ends a packet. A sequence number may not come round to the first one
 * again under the same key (2^32 packets; SSH re-keys long before).
 */
public final class ChaCha20Poly1305 implements Cipher {
    static final int KEY_BYTES = 32;
    static final int TAG_BYTES = 16;
    private static final int BLOCK_BYTES = 64;

    private final javax.crypto.Cipher length;
    private final javax.crypto.Cipher payload;
    private final Poly1305 mac;
    private final byte[] nonce = new byte[12];
    private final byte[] block0 = new byte[BLOCK_BYTES];
    private final byte[] macKey = new byte[KEY_BYTES];
    private final byte[] tag = new byte[TAG_BYTES];
    private SecretKeySpec lengthKey;
    private SecretKeySpec payloadKey;
    private Mode mode;
    private long firstSequence;
    private long sequence;

    ChaCha20Poly1305(Poly1305 mac) throws GeneralSecurityException {
        this.mac = mac;
        length = javax.crypto.Cipher.getInstance("ChaCha20");
        payload = javax.crypto.Cipher.getInstance("ChaCha20");
    }

    @Override
    public void init(Mode mode, byte[] key, byte[] iv) throws Exception {
        if (key == null || key.length < 2 * KEY_BYTES) {
            throw new IllegalArgumentException("chacha20-poly1305 needs a 64-byte key, got "
                    + (key == null ? 0 : key.length));
        }
        if (iv == null || iv.length < 8 || iv[0] != 0 || iv[1] != 0 || iv[2] != 0 || iv[3] != 0) {
            throw new IllegalArgumentException("chacha20-poly1305's IV must be an SSH packet sequence number");
        }
        this.mode = mode;
        payloadKey = new SecretKeySpec(Arrays.copyOfRange(key, 0, KEY_BYTES), "ChaCha20");
        lengthKey = new SecretKeySpec(Arrays.copyOfRange(key, KEY_BYTES, 2 * KEY_BYTES), "ChaCha20");
        firstSequence = ((iv[4] & 0xFFL) << 24) | ((iv[5] & 0xFFL) << 16) | ((iv[6] & 0xFFL) << 8) | (iv[7] & 0xFFL);
        sequence = firstSequence;
        startPacket();
    }

    /** Keys both streams for the current sequence number and takes the Poly1305 key from block 0 of K_2. */
    private void startPacket() throws Exception {
        nonce[8] = (byte) (sequence >>> 24);
        nonce[9] = (byte) (sequence >>> 16);
        nonce[10] = (byte) (sequence >>> 8);
        nonce[11] = (byte) sequence;
        ChaCha20ParameterSpec spec = new ChaCha20ParameterSpec(nonce, 0);
        // DECRYPT_MODE for both directions: ChaCha20 is its own inverse, and the JDK refuses to ENCRYPT twice with
        // one key and nonce, which K_2 needs (block 0 for the Poly1305 key, the same stream on for the payload).
        length.init(javax.crypto.Cipher.DECRYPT_MODE, lengthKey, spec);
        payload.init(javax.crypto.Cipher.DECRYPT_MODE, payloadKey, spec);
        Arrays.fill(block0, (byte) 0);
        payload.update(block0, 0, BLOCK_BYTES, block0, 0);
        System.arraycopy(block0, 0, macKey, 0, KEY_BYTES);
        mac.init(macKey);
        Arrays.fill(block0, (byte) 0);
        Arrays.fill(macKey, (byte) 0);
    }

    @Override
    public void updateAAD(byte[] data, int offset, int len) throws Exception {
        checkInitialized();
        if (len != Integer.BYTES) {
            throw new IllegalArgumentException("chacha20-poly1305 authenticates only the 4-byte packet length, not "
                    + len + " bytes");
        }
        if (mode == Mode.Decrypt) {
            mac.update(data, offset, len);
        }
        length.update(data, offset, len, data, offset);
        if (mode == Mode.Encrypt) {
            mac.update(data, offset, len);
        }
    }

    @Override
    public void update(byte[] input, int offset, int len) throws Exception {
        checkInitialized();
        if (mode == Mode.Decrypt) {
            mac.update(input, offset, len);
            mac.finish(tag, 0);
            if (!Mac.equals(input, offset + len, tag, 0, TAG_BYTES)) { // constant time
                throw new AEADBadTagException("chacha20-poly1305: the packet's tag does not match");
            }
            payload.update(input, offset, len, input, offset);
        } else {
            payload.update(input, offset, len, input, offset);
            mac.update(input, offset, len);
            mac.finish(input, offset + len);
        }
        sequence = (sequence + 1) & 0xFFFF_FFFFL;
        if (sequence == firstSequence) {
            throw new IllegalStateException("chacha20-poly1305: the packet sequence number came round under one key");
        }
        startPacket();
    }

    private void checkInitialized() {
        if (mode == null) {
            throw new IllegalStateException("chacha20-poly1305 is not initialized");
        }
    }

    // The sizes and names are the factory's: one place says what chacha20-poly1305@openssh.com is.
    @Override
    public String getAlgorithm() {
        return ChaCha20Poly1305Factory.INSTANCE.getAlgorithm();
    }

    @Override
    public String getTransformation() {
        return ChaCha20Poly1305Factory.INSTANCE.getTransformation();
    }

    @Override
    public int getIVSize() {
        return ChaCha20Poly1305Factory.INSTANCE.getIVSize();
    }

    @Override
    public int getAuthenticationTagSize() {
        return TAG_BYTES;
    }

    @Override
    public int getCipherBlockSize() {
        return ChaCha20Poly1305Factory.INSTANCE.getCipherBlockSize();
    }

    @Override
    public int getKdfSize() {
        return ChaCha20Poly1305Factory.INSTANCE.getKdfSize();
    }

    @Override
    public int getKeySize() {
        return ChaCha20Poly1305Factory.INSTANCE.getKeySize();
    }

    @Override
    public String toString() {
        return "chacha20-poly1305 (JDK ChaCha20, " + mac + ")";
    }
}
