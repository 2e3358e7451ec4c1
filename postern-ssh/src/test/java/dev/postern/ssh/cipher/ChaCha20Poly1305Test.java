package dev.postern.ssh.cipher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.cipher.Cipher.Mode;
import org.junit.jupiter.api.Test;

/**
 * {@link ChaCha20Poly1305} against MINA's own {@code chacha20-poly1305@openssh.com} (an independent, interoperability
 * tested implementation) packet by packet: byte-identical output, each decrypts the other's packets, across the
 * 2^32 wrap of the sequence number; and tampered packets are refused.
 */
class ChaCha20Poly1305Test {
    private static final int[] SIZES = {12, 16, 28, 60, 64, 100, 1020, 4096, 32_764, 65_532, 262_140};
    private final Random random = new Random(20261203);

    /** A packet as the session lays it out: 4-byte length, payload, room for the 16-byte tag. */
    private byte[] packet(int payload) {
        byte[] p = new byte[4 + payload + 16];
        random.nextBytes(p);
        p[0] = (byte) (payload >>> 24);
        p[1] = (byte) (payload >>> 16);
        p[2] = (byte) (payload >>> 8);
        p[3] = (byte) payload;
        Arrays.fill(p, 4 + payload, p.length, (byte) 0);
        return p;
    }

    private static void seal(Cipher c, byte[] p) throws Exception {
        c.updateAAD(p, 0, 4);
        c.update(p, 4, p.length - 20);
    }

    private static void open(Cipher c, byte[] p) throws Exception {
        c.updateAAD(p, 0, 4);
        c.update(p, 4, p.length - 20);
    }

    private byte[][] keyAndIv(long firstSequence) {
        byte[] key = new byte[64];
        random.nextBytes(key);
        byte[] iv = new byte[8];
        for (int i = 0; i < 4; i++) {
            iv[7 - i] = (byte) (firstSequence >>> (8 * i));
        }
        return new byte[][] {key, iv};
    }

    private static Cipher ours(Mode mode, byte[][] kv) throws Exception {
        Cipher c = ChaCha20Poly1305Factory.INSTANCE.create();
        c.init(mode, kv[0], kv[1]);
        return c;
    }

    private static Cipher mina(Mode mode, byte[][] kv) throws Exception {
        Cipher c = BuiltinCiphers.cc20p1305_openssh.create();
        c.init(mode, kv[0], kv[1]);
        return c;
    }

    @Test
    void sealsExactlyAsMinasCipherAndEachOpensTheOthersPacketsAcrossTheSequenceWrap() throws Exception {
        for (long first : new long[] {0, 3, 0xFFFF_FFF0L}) {
            byte[][] kv = keyAndIv(first);
            Cipher oursOut = ours(Mode.Encrypt, kv);
            Cipher minaOut = mina(Mode.Encrypt, kv);
            Cipher oursIn = ours(Mode.Decrypt, kv);
            Cipher minaIn = mina(Mode.Decrypt, kv);
            for (int n = 0; n < 36; n++) {
                byte[] plain = packet(SIZES[n % SIZES.length]);
                byte[] a = plain.clone();
                byte[] b = plain.clone();
                seal(oursOut, a);
                seal(minaOut, b);
                assertThat(a).as("packet %d from sequence %d", n, first).isEqualTo(b);
                assertThat(Arrays.copyOfRange(a, 4, a.length - 16)).isNotEqualTo(
                        Arrays.copyOfRange(plain, 4, plain.length - 16));
                open(minaIn, a); // MINA opens ours
                open(oursIn, b); // we open MINA's
                assertThat(Arrays.copyOf(a, a.length - 16)).isEqualTo(Arrays.copyOf(plain, plain.length - 16));
                assertThat(Arrays.copyOf(b, b.length - 16)).isEqualTo(Arrays.copyOf(plain, plain.length - 16));
            }
        }
    }

    @Test
    void aTamperedLengthPayloadOrTagIsRefused() throws Exception {
        for (int at : new int[] {1, 4, 50, 4 + 100 + 3}) {
            byte[][] kv = keyAndIv(7);
            byte[] p = packet(100);
            seal(ours(Mode.Encrypt, kv), p);
            p[at] ^= 0x01;
            Cipher in = ours(Mode.Decrypt, kv);
            assertThatThrownBy(() -> open(in, p)).as("bit flipped at %d", at).isInstanceOf(AEADBadTagException.class);
        }
    }

    @Test
    void aPacketSealedForAnotherSequenceNumberIsRefused() throws Exception {
        byte[][] kv = keyAndIv(10);
        Cipher out = ours(Mode.Encrypt, kv);
        byte[] first = packet(64);
        byte[] second = packet(64);
        seal(out, first);
        seal(out, second);
        Cipher in = ours(Mode.Decrypt, kv);
        // replaying/reordering: the second packet where the first is expected
        assertThatThrownBy(() -> open(in, second)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void theSequenceNumberNeverComesRoundUnderOneKey() throws Exception {
        byte[][] kv = keyAndIv(5);
        ChaCha20Poly1305 c = (ChaCha20Poly1305) ours(Mode.Encrypt, kv);
        assertThatThrownBy(() -> c.init(Mode.Encrypt, kv[0], new byte[] {0, 0, 0, 1, 0, 0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.init(Mode.Encrypt, Arrays.copyOf(kv[0], 32), kv[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
