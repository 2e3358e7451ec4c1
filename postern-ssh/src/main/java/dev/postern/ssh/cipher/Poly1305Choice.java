package dev.postern.ssh.cipher;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link Poly1305} chacha20-poly1305 uses: the JDK's ({@link JdkPoly1305}) when HotSpot says its Poly1305
 * intrinsic is on and that class is reachable and gives RFC 8439's test tag; MINA's ({@link MinaPoly1305})
 * otherwise. Measured on JDK 25 with AVX-512 IFMA, 32 KiB packets: 0.13 ns per byte against MINA's 1.4, which
 * was 80% of the cipher's cost; without the intrinsic the JDK's is twice as slow as MINA's, hence the flag.
 * <p>
 * HotSpot shows its {@code UsePoly1305Intrinsics} flag only with {@code -XX:+UnlockDiagnosticVMOptions} (the postern
 * launcher passes it to the agent and the server); without, MINA's is used. Decided once per JVM, at the first
 * chacha20-poly1305 key exchange rather than at start-up, since reading the flag loads java.management (~50 ms).
 */
final class Poly1305Choice {
    static final String INTRINSIC_FLAG = "UsePoly1305Intrinsics";
    private static final Logger LOG = LoggerFactory.getLogger(Poly1305Choice.class);

    /** The decision: the JDK's Poly1305 or MINA's, and why, in words for the log. */
    record Choice(boolean jdk, String why) {
        Poly1305 create() {
            if (!jdk) {
                return new MinaPoly1305();
            }
            try {
                return JdkPoly1305.create();
            } catch (ReflectiveOperationException e) { // it was made once when chosen; the JDK did not change since
                throw new IllegalStateException("the JDK's Poly1305 was chosen but cannot be made", e);
            }
        }

        @Override
        public String toString() {
            return (jdk ? "JDK Poly1305: " : "MINA Poly1305: ") + why;
        }
    }

    private Poly1305Choice() {
    }

    /** The choice for this JVM, made on first use. */
    static Choice current() {
        return Current.CHOICE;
    }

    /**
     * Decides from the value of HotSpot's {@value #INTRINSIC_FLAG} (empty when the JVM does not show it) and a
     * maker of the JDK's Poly1305 (which throws when it is out of reach).
     */
    static Choice choose(Optional<String> intrinsicFlag, Callable<Poly1305> jdk) {
        if (intrinsicFlag.isEmpty()) {
            return new Choice(false, "the JVM does not show " + INTRINSIC_FLAG + " (not HotSpot 20 or later, or "
                    + "no -XX:+UnlockDiagnosticVMOptions), so the JDK's Poly1305 may be the slow one");
        }
        if (!"true".equals(intrinsicFlag.get())) {
            return new Choice(false, "HotSpot has no Poly1305 intrinsic here (" + INTRINSIC_FLAG + " is "
                    + intrinsicFlag.get() + ")");
        }
        Poly1305 candidate;
        try {
            candidate = jdk.call();
        } catch (Exception e) {
            return new Choice(false, "the JDK's Poly1305 is out of reach: " + e.getMessage());
        }
        if (!givesTheTestTag(candidate)) {
            return new Choice(false, "the JDK's Poly1305 does not give RFC 8439's test tag");
        }
        return new Choice(true, "HotSpot's Poly1305 intrinsic is on");
    }

    /**
     * RFC 8439 section 2.5.2's test vector, fed as the cipher feeds it (a 4-byte length, then the rest), twice
     * on one instance: the tag, and a re-key, must be right before a connection depends on them.
     */
    static boolean givesTheTestTag(Poly1305 mac) {
        HexFormat hex = HexFormat.of();
        byte[] key = hex.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] message = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = hex.parseHex("a8061dc1305136c6c22b8baf0c0127a9");
        try {
            for (int round = 0; round < 2; round++) {
                byte[] tag = new byte[ChaCha20Poly1305.TAG_BYTES + 1];
                mac.init(key);
                mac.update(message, 0, 4);
                mac.update(message, 4, message.length - 4);
                mac.finish(tag, 1);
                if (!MessageDigest.isEqual(Arrays.copyOfRange(tag, 1, tag.length), expected)) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** HotSpot's value of {@code flag}, or empty when the JVM does not show it. */
    static Optional<String> vmFlag(String flag) {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotSpot == null ? Optional.empty() : Optional.of(hotSpot.getVMOption(flag).getValue());
        } catch (IllegalArgumentException | LinkageError | SecurityException e) {
            return Optional.empty(); // not a flag of this JVM, a diagnostic one not unlocked, or no jdk.management
        }
    }

    /** The holder idiom: the choice is made when first asked for, once. */
    private static final class Current {
        static final Choice CHOICE = choose(vmFlag(INTRINSIC_FLAG), JdkPoly1305::create);

        static {
            LOG.debug("chacha20-poly1305 uses {}", CHOICE);
        }
    }
}
