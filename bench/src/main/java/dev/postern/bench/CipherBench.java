package dev.postern.bench;

import dev.postern.ssh.cipher.ChaCha20Poly1305Factory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.cipher.CipherFactory;

/**
 * The SSH ciphers alone, no network: CPU nanoseconds per byte to seal and open 32 KiB packets (what bulk transfers
 * send) with Postern's chacha20-poly1305, MINA's, and aes128-gcm, on this thread's CPU time, so other load on the
 * machine inflates it far less than wall time. Not part of {@code bench/run}; after {@code bench/run} built it:
 * <pre>
 * java -XX:+UnlockDiagnosticVMOptions --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED \
 *     -cp "bench/target/classes:bench/target/lib/*" dev.postern.bench.CipherBench
 * </pre>
 * Without the first two flags Postern's cipher composes MINA's Poly1305 instead of the JDK's (its line says which).
 */
final class CipherBench {
    private static final int PAYLOAD = 32_768;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CipherBench() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        measure("postern chacha20-poly1305", ChaCha20Poly1305Factory.INSTANCE);
        measure("mina chacha20-poly1305", BuiltinCiphers.cc20p1305_openssh);
        measure("aes128-gcm", BuiltinCiphers.aes128gcm);
    }

    /** Median of 5 one-second rounds after 2,000 unmeasured packets (the JIT compiles the crypto first). */
    private static void measure(String name, CipherFactory factory) throws Exception {
        byte[] key = new byte[factory.getKdfSize()];
        new Random(1).nextBytes(key);
        byte[] iv = new byte[factory.getIVSize()];
        Cipher seal = factory.create();
        seal.init(Cipher.Mode.Encrypt, key, iv);
        Cipher open = factory.create();
        open.init(Cipher.Mode.Decrypt, key, iv);
        byte[] packet = new byte[4 + PAYLOAD + factory.getAuthenticationTagSize()];
        new Random(2).nextBytes(packet);
        packet[0] = 0;
        packet[1] = 0;
        packet[2] = (byte) (PAYLOAD >>> 8);
        packet[3] = (byte) PAYLOAD;
        for (int i = 0; i < 2_000; i++) {
            roundTrip(seal, open, packet);
        }
        List<Double> rounds = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long packets = 0;
            while (System.nanoTime() - wall0 < 1_000_000_000L) {
                roundTrip(seal, open, packet);
                packets++;
            }
            // per byte of one direction: each round trip seals and opens the payload once
            rounds.add((THREADS.getCurrentThreadCpuTime() - cpu0) / (2.0 * packets * PAYLOAD));
        }
        rounds.sort(null);
        double nsPerByte = rounds.get(2);
        System.out.printf(Locale.ROOT, "%-28s %.3f ns/B  %.2f s CPU per GiB one way  (%s)%n", name, nsPerByte,
                nsPerByte * (1L << 30) / 1e9, seal);
    }

    private static void roundTrip(Cipher seal, Cipher open, byte[] packet) throws Exception {
        seal.updateAAD(packet, 0, 4);
        seal.update(packet, 4, PAYLOAD);
        open.updateAAD(packet, 0, 4);
        open.update(packet, 4, PAYLOAD);
    }
}
