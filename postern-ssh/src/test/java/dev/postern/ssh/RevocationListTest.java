package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Malformed KRLs are refused with a clear message. */
class RevocationListTest {
    private static byte[] header(int format) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.write("SSHKRL\n\0".getBytes(StandardCharsets.ISO_8859_1));
        d.writeInt(format);
        d.writeLong(1);
        d.writeLong(0);
        d.writeLong(0);
        d.writeInt(0);
        d.writeInt(0);
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte... b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void headerOnlyIsAnEmptyList() throws IOException {
        RevocationList krl = RevocationList.parse(header(1));
        assertThat(krl.version()).isEqualTo(1);
    }

    @Test
    void textSpecIsNotAKrl() {
        assertThatThrownBy(() -> RevocationList.parse("serial: 5\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("magic");
    }

    @Test
    void unknownFormatVersionIsRefused() {
        assertThatThrownBy(() -> RevocationList.parse(header(2))).hasMessageContaining("format version 2");
    }

    @Test
    void truncatedKrlIsRefused() throws IOException {
        byte[] h = header(1);
        byte[] cut = java.util.Arrays.copyOf(h, h.length - 3);
        assertThatThrownBy(() -> RevocationList.parse(cut)).hasMessageContaining("malformed KRL");
    }

    @Test
    void sectionLongerThanTheFileIsRefused() throws IOException {
        byte[] krl = concat(header(1), (byte) 1, (byte) 0, (byte) 0, (byte) 1, (byte) 0);
        assertThatThrownBy(() -> RevocationList.parse(krl)).hasMessageContaining("exceeds");
    }

    @Test
    void unknownSectionIsRefused() throws IOException {
        byte[] krl = concat(header(1), (byte) 9, (byte) 0, (byte) 0, (byte) 0, (byte) 0);
        assertThatThrownBy(() -> RevocationList.parse(krl)).hasMessageContaining("unsupported section type 9");
    }

    @Test
    void signatureSectionIsRefused() throws IOException {
        byte[] krl = concat(header(1), (byte) 4, (byte) 0, (byte) 0, (byte) 0, (byte) 0);
        assertThatThrownBy(() -> RevocationList.parse(krl)).hasMessageContaining("signature");
    }

    @Test
    void serialZeroAndInvertedRangesAreRefused() throws IOException {
        // certificate section, wildcard CA, reserved, serial range subsection 5..3
        ByteArrayOutputStream sub = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(sub);
        d.writeInt(0);
        d.writeInt(0);
        d.writeByte(0x21);
        d.writeInt(16);
        d.writeLong(5);
        d.writeLong(3);
        byte[] body = sub.toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        DataOutputStream a = new DataOutputStream(all);
        a.write(header(1));
        a.writeByte(1);
        a.writeInt(body.length);
        a.write(body);
        assertThatThrownBy(() -> RevocationList.parse(all.toByteArray())).hasMessageContaining("inverted");
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> RevocationList.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
