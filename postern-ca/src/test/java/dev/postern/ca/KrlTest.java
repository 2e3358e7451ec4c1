package dev.postern.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte layout per PROTOCOL.krl; {@link KrlIT} checks the same files with ssh-keygen. */
class KrlTest {
    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);
    private final String caLine;

    KrlTest() {
        byte[] m = new byte[32];
        new SecureRandom().nextBytes(m);
        KeySealer sealer = new KeySealer(m);
        caLine = CertificateAuthority.generate(sealer, "c").publicKeyLine();
    }

    @Test
    void headerThenOneCertificateSectionWithSortedUniqueSerials() {
        ByteBuffer b = ByteBuffer.wrap(Krl.write(caLine, List.of(9L, 2L, 9L), 5, T, "hi"));

        byte[] magic = new byte[8];
        b.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("SSHKRL\n\0");
        assertThat(b.getInt()).as("format version").isEqualTo(1);
        assertThat(b.getLong()).as("krl version").isEqualTo(5);
        assertThat(b.getLong()).as("generated").isEqualTo(1_700_000_000L);
        assertThat(b.getLong()).as("flags").isZero();
        assertThat(string(b)).as("reserved").isEmpty();
        assertThat(new String(string(b), StandardCharsets.UTF_8)).isEqualTo("hi");

        assertThat(b.get()).as("KRL_SECTION_CERTIFICATES").isEqualTo((byte) 1);
        ByteBuffer section = ByteBuffer.wrap(string(b));
        assertThat(b.hasRemaining()).isFalse();
        assertThat(string(section)).isEqualTo(Base64.getDecoder().decode(caLine.split(" ")[1]));
        assertThat(string(section)).as("reserved").isEmpty();
        assertThat(section.get()).as("KRL_SECTION_CERT_SERIAL_LIST").isEqualTo((byte) 0x20);
        ByteBuffer list = ByteBuffer.wrap(string(section));
        assertThat(section.hasRemaining()).isFalse();
        assertThat(list.getLong()).isEqualTo(2);
        assertThat(list.getLong()).isEqualTo(9);
        assertThat(list.hasRemaining()).isFalse();
    }

    @Test
    void emptyListIsTheHeaderAlone() {
        byte[] krl = Krl.write(caLine, List.of(), 0, T, null);
        assertThat(krl).hasSize(8 + 4 + 8 + 8 + 8 + 4 + 4);
    }

    @Test
    void serialsMustBePositive() {
        assertThatThrownBy(() -> Krl.write(caLine, List.of(3L, 0L), 1, T, ""))
                .hasMessage("revoked serial must be > 0, got 0");
        assertThatThrownBy(() -> Krl.write(caLine, Arrays.asList(1L, null), 1, T, ""))
                .hasMessageContaining("got null");
    }

    @Test
    void caLineMustBeAPlainKey() {
        assertThatThrownBy(() -> Krl.write("ssh-ed25519 zzz", List.of(1L), 1, T, ""))
                .hasMessageContaining("caPublicKeyLine 'ssh-ed25519 zzz'");
        assertThatThrownBy(() -> Krl.write(caLine, List.of(1L), -1, T, "")).hasMessageContaining("krlVersion");
    }

    private static byte[] string(ByteBuffer b) {
        byte[] v = new byte[b.getInt()];
        b.get(v);
        return v;
    }
}
