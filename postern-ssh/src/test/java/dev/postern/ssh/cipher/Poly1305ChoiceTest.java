package dev.postern.ssh.cipher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Poly1305Choice}: the JDK's Poly1305 only where HotSpot says it is intrinsified and it gives RFC 8439's tag;
 * MINA's in every other case, with the reason.
 */
class Poly1305ChoiceTest {
    private static final Optional<String> ON = Optional.of("true");

    /** A Poly1305 that answers a fixed wrong tag: a changed JDK internal must not reach a connection. */
    private static final class WrongTag implements Poly1305 {
        @Override
        public void init(byte[] key) {
        }

        @Override
        public void update(byte[] input, int offset, int length) {
        }

        @Override
        public void finish(byte[] out, int offset) {
            java.util.Arrays.fill(out, offset, offset + 16, (byte) 0x5A);
        }
    }

    @Test
    void minasWhenTheJvmDoesNotShowTheIntrinsicFlagOrItIsOff() {
        Poly1305Choice.Choice hidden = Poly1305Choice.choose(Optional.empty(), MinaPoly1305::new);
        assertThat(hidden.jdk()).isFalse();
        assertThat(hidden.why()).contains("UsePoly1305Intrinsics", "-XX:+UnlockDiagnosticVMOptions");
        Poly1305Choice.Choice off = Poly1305Choice.choose(Optional.of("false"), MinaPoly1305::new);
        assertThat(off.jdk()).isFalse();
        assertThat(off.why()).contains("UsePoly1305Intrinsics is false");
        assertThat(off.create()).isInstanceOf(MinaPoly1305.class);
    }

    @Test
    void minasWhenTheJdksPoly1305IsOutOfReachOrGivesAWrongTag() {
        Poly1305Choice.Choice closed = Poly1305Choice.choose(ON, () -> {
            throw new IllegalAccessException("java.base does not open com.sun.crypto.provider");
        });
        assertThat(closed.jdk()).isFalse();
        assertThat(closed.why()).contains("out of reach", "does not open com.sun.crypto.provider");
        Poly1305Choice.Choice wrong = Poly1305Choice.choose(ON, WrongTag::new);
        assertThat(wrong.jdk()).isFalse();
        assertThat(wrong.why()).contains("RFC 8439");
    }

    @Test
    void bothPoly1305sGiveRfc8439sTestTag() throws Exception {
        assertThat(Poly1305Choice.givesTheTestTag(new MinaPoly1305())).isTrue();
        assertThat(Poly1305Choice.givesTheTestTag(new WrongTag())).isFalse();
        assertThat(Poly1305Choice.givesTheTestTag(ChaCha20Poly1305Test.poly1305("jdk"))).isTrue();
    }

    @Test
    void theJdksWhenItIsIntrinsifiedAndReachable() throws Exception {
        Poly1305Choice.Choice choice = Poly1305Choice.choose(ON, JdkPoly1305::create);
        assumeTrue(choice.jdk(), choice.why()); // e.g. run without the add-opens
        assertThat(choice.create()).isInstanceOf(JdkPoly1305.class);
    }

    /**
     * Where this JVM intrinsifies Poly1305 (JDK 25 on this project's machines) the factory's ciphers use the JDK's:
     * fails when the add-opens or the flag the launcher and surefire pass stop reaching it.
     */
    @Test
    void theFactorysCiphersUseTheJdksPoly1305WhereHotSpotIntrinsifiesIt() {
        Optional<String> flag = Poly1305Choice.vmFlag(Poly1305Choice.INTRINSIC_FLAG);
        assumeTrue(flag.equals(ON), "no Poly1305 intrinsic shown by this JVM: " + flag);
        assertThat(Poly1305Choice.current().jdk()).as(Poly1305Choice.current().why()).isTrue();
        assertThat(ChaCha20Poly1305Factory.INSTANCE.create()).hasToString(
                "chacha20-poly1305 (JDK ChaCha20, JDK Poly1305)");
    }
}
