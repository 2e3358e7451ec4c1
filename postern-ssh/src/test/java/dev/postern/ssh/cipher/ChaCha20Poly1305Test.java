package dev.postern.ssh.cipher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.cipher.Cipher.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ChaCha20Poly1305} against MINA's own {@code chacha20-poly1305@openssh.com} (an independent, interoperability
 * tested implementation) packet by packet: byte-identical output, each decrypts the other's packets, across the
 * 2^32 wrap of the sequence number; and tampered packets are refused. Each test runs with both Poly1305s the cipher
 * may be composed with (the JDK's one is skipped where it is out of reach, e.g. without the surefire argLine).
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

    /** The Poly1305s to compose with: MINA's, and the JDK's where reachable. */
    static Stream<String> poly1305s() {
        return Stream.of("mina", "jdk");
    }

    static Poly1305 poly1305(String which) throws Exception {
        if (which.equals("mina")) {
            return new MinaPoly1305();
        }
        try {
            return JdkPoly1305.create();
        } catch (ReflectiveOperationException e) {
            assumeTrue(false, "the JDK's Poly1305 is out of reach here: " + e.getMessage());
            throw e;
        }
    }

    private static Cipher ours(String poly, Mode mode, byte[][] kv) throws Exception {
        Cipher c = new ChaCha20Poly1305(poly1305(poly));
        c.init(mode, kv[0], kv[1]);
        return c;
    }

    private static Cipher mina(Mode mode, byte[][] kv) throws Exception {
        Cipher c = BuiltinCiphers.cc20p1305_openssh.create();
        c.init(mode, kv[0], kv[1]);
        return c;
    }

    @ParameterizedTest(name = "{0} Poly1305")
    @MethodSource("poly1305s")
    void sealsExactlyAsMinasCipherAndEachOpensTheOthersPacketsAcrossTheSequenceWrap(String poly) throws Exception {
        for (long first : new long[] {0, 3, 0xFFFF_FFF0L}) {
            byte[][] kv = keyAndIv(first);
            Cipher oursOut = ours(poly, Mode.Encrypt, kv);
            Cipher minaOut = mina(Mode.Encrypt, kv);
            Cipher oursIn = ours(poly, Mode.Decrypt, kv);
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

    /**
     * 1,500 packets of 32 KiB (what bulk transfers send) one way: enough for the JIT to compile the hot paths, and on
     * JDK 20+ HotSpot's Poly1305 intrinsic, which the interpreted packets above never reach.
     */
    @ParameterizedTest(name = "{0} Poly1305")
    @MethodSource("poly1305s")
    void compiledCodeSealsAndOpensBulkPacketsAsMinasCipherDoes(String poly) throws Exception {
        byte[][] kv = keyAndIv(0xFFFF_FD00L);
        Cipher oursOut = ours(poly, Mode.Encrypt, kv);
        Cipher minaOut = mina(Mode.Encrypt, kv);
        Cipher oursIn = ours(poly, Mode.Decrypt, kv);
        byte[] plain = packet(32_768 - 4);
        for (int n = 0; n < 1_500; n++) {
            plain[4 + n % 1000] ^= (byte) n; // every packet different
            byte[] a = plain.clone();
            byte[] b = plain.clone();
            seal(oursOut, a);
            seal(minaOut, b);
            if (!Arrays.equals(a, b)) {
                assertThat(a).as("packet %d", n).isEqualTo(b);
            }
            open(oursIn, b);
            if (!Arrays.equals(Arrays.copyOf(b, b.length - 16), Arrays.copyOf(plain, plain.length - 16))) {
                assertThat(b).as("packet %d opened", n).startsWith(Arrays.copyOf(plain, plain.length - 16));
            }
        }
    }

    @ParameterizedTest(name = "{0} Poly1305")
    @MethodSource("poly1305s")
    void aTamperedLengthPayloadOrTagIsRefused(String poly) throws Exception {
        for (int at : new int[] {1, 4, 50, 4 + 100 + 3}) {
            byte[][] kv = keyAndIv(7);
            byte[] p = packet(100);
            seal(ours(poly, Mode.Encrypt, kv), p);
            p[at] ^= 0x01;
            Cipher in = ours(poly, Mode.Decrypt, kv);
            assertThatThrownBy(() -> open(in, p)).as("bit flipped at %d", at).isInstanceOf(AEADBadTagException.class);
        }
    }

    @ParameterizedTest(name = "{0} Poly1305")
    @MethodSource("poly1305s")
    void aPacketSealedForAnotherSequenceNumberIsRefused(String poly) throws Exception {
        byte[][] kv = keyAndIv(10);
        Cipher out = ours(poly, Mode.Encrypt, kv);
        byte[] first = packet(64);
        byte[] second = packet(64);
        seal(out, first);
        seal(out, second);
        Cipher in = ours(poly, Mode.Decrypt, kv);
        // replaying/reordering: the second packet where the first is expected
        assertThatThrownBy(() -> open(in, second)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void theSequenceNumberNeverComesRoundUnderOneKey() throws Exception {
        byte[][] kv = keyAndIv(5);
        Cipher c = ours("mina", Mode.Encrypt, kv);
        assertThatThrownBy(() -> c.init(Mode.Encrypt, kv[0], new byte[] {0, 0, 0, 1, 0, 0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.init(Mode.Encrypt, Arrays.copyOf(kv[0], 32), kv[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
