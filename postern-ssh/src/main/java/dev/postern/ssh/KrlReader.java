package dev.postern.ssh;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Parser for the binary KRL format, section by section as OpenSSH PROTOCOL.krl and krl.c
 * ({@code ssh_krl_from_blob}) define it, with the same refusals: bad magic, format version other than 1,
 * unknown section types, trailing bytes in a section, serial 0 or inverted ranges, critical extensions.
 * Signature sections are refused like OpenSSH 9.4+ does.
 */
final class KrlReader {
    private static final byte[] MAGIC = "SSHKRL\n\0".getBytes(StandardCharsets.ISO_8859_1);
    private static final int FORMAT_VERSION = 1;
    static final int SECTION_CERTIFICATES = 1;
    static final int SECTION_EXPLICIT_KEY = 2;
    static final int SECTION_FINGERPRINT_SHA1 = 3;
    static final int SECTION_SIGNATURE = 4;
    static final int SECTION_FINGERPRINT_SHA256 = 5;
    static final int SECTION_EXTENSION = 255;
    static final int CERT_SERIAL_LIST = 0x20;
    static final int CERT_SERIAL_RANGE = 0x21;
    static final int CERT_SERIAL_BITMAP = 0x22;
    static final int CERT_KEY_ID = 0x23;
    static final int CERT_EXTENSION = 0x39;
    // sshbuf's limit for an mpint (SSHBUF_MAX_BIGNUM, 16384 bits) plus its sign byte.
    private static final int MAX_MPINT_BYTES = 16384 / 8 + 1;

    private final Map<String, Builder> sections = new LinkedHashMap<>();
    private final Set<RevocationList.Blob> explicit = new HashSet<>();
    private final Set<RevocationList.Blob> sha1s = new HashSet<>();
    private final Set<RevocationList.Blob> sha256s = new HashSet<>();

    private KrlReader() {
    }

    static RevocationList read(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("KRL is null");
        }
        try {
            return new KrlReader().parse(ByteBuffer.wrap(data));
        } catch (java.nio.BufferUnderflowException e) {
            throw bad("truncated");
        }
    }

    private RevocationList parse(ByteBuffer in) {
        if (in.remaining() < MAGIC.length
                || !Arrays.equals(Arrays.copyOf(in.array(), MAGIC.length), MAGIC)) {
            throw bad("does not start with the \"SSHKRL\\n\\0\" magic; is this a text revocation spec instead of "
                    + "the output of 'ssh-keygen -k'?");
        }
        in.position(MAGIC.length);
        int format = in.getInt();
        if (format != FORMAT_VERSION) {
            throw bad("format version " + Integer.toUnsignedString(format) + " is not supported (only 1)");
        }
        long version = in.getLong();
        long generated = in.getLong();
        in.getLong(); // flags: none defined
        string(in); // reserved
        string(in); // comment
        while (in.hasRemaining()) {
            int type = in.get() & 0xFF;
            ByteBuffer section = string(in);
            switch (type) {
                case SECTION_CERTIFICATES -> certificates(section);
                case SECTION_EXPLICIT_KEY -> blobs(section, explicit, 0, "explicit key");
                case SECTION_FINGERPRINT_SHA1 -> blobs(section, sha1s, 20, "SHA1 fingerprint");
                case SECTION_FINGERPRINT_SHA256 -> blobs(section, sha256s, 32, "SHA256 fingerprint");
                case SECTION_EXTENSION -> extension(section, "extension");
                case SECTION_SIGNATURE -> throw bad("contains a signature section; KRL signatures are not supported "
                        + "(OpenSSH 9.4+ refuses them too)");
                default -> throw bad("unsupported section type " + type);
            }
            if (section.hasRemaining()) {
                throw bad("section type " + type + " has " + section.remaining() + " unparsed bytes");
            }
        }
        List<RevocationList.CaSection> ca = new ArrayList<>();
        for (Builder b : sections.values()) {
            ca.add(new RevocationList.CaSection(b.caBlob, b.keyIds, b.ranges));
        }
        return new RevocationList(ca, explicit, sha1s, sha256s, version, generated);
    }

    private void certificates(ByteBuffer in) {
        byte[] caBlob = bytes(string(in));
        string(in); // reserved
        if (caBlob.length > 0) {
            try {
                new ByteArrayBuffer(caBlob).getRawPublicKey();
            } catch (Exception | Error e) {
                throw bad("certificate section has an unreadable CA key: " + e.getMessage());
            }
        }
        String mapKey = caBlob.length == 0 ? "*" : java.util.HexFormat.of().formatHex(caBlob);
        Builder b = sections.computeIfAbsent(mapKey, k -> new Builder(caBlob.length == 0 ? null : caBlob));
        while (in.hasRemaining()) {
            int type = in.get() & 0xFF;
            ByteBuffer sub = string(in);
            switch (type) {
                case CERT_SERIAL_LIST -> {
                    while (sub.hasRemaining()) {
                        b.serial(sub.getLong());
                    }
                }
                case CERT_SERIAL_RANGE -> b.range(sub.getLong(), sub.getLong());
                case CERT_SERIAL_BITMAP -> bitmap(b, sub);
                case CERT_KEY_ID -> {
                    while (sub.hasRemaining()) {
                        b.keyIds.add(new String(bytes(string(sub)), StandardCharsets.UTF_8));
                    }
                }
                case CERT_EXTENSION -> extension(sub, "certificate extension");
                default -> throw bad("unsupported certificate subsection type 0x" + Integer.toHexString(type));
            }
            if (sub.hasRemaining()) {
                throw bad("certificate subsection 0x" + Integer.toHexString(type) + " has " + sub.remaining()
                        + " unparsed bytes");
            }
        }
    }

    private static void bitmap(Builder b, ByteBuffer sub) {
        long offset = sub.getLong();
        byte[] mpint = bytes(string(sub));
        if (mpint.length > MAX_MPINT_BYTES) {
            throw bad("serial bitmap of " + mpint.length + " bytes is too large");
        }
        if (mpint.length > 0 && (mpint[0] & 0x80) != 0) {
            throw bad("serial bitmap is a negative mpint");
        }
        BigInteger bits = new BigInteger(1, mpint);
        int n = bits.bitLength();
        if (n > 1 && Long.compareUnsigned(offset + (n - 1), offset) < 0) {
            throw bad("serial bitmap wraps past 2^64");
        }
        for (int i = Math.max(0, bits.getLowestSetBit()); i < n; i++) {
            if (bits.testBit(i)) {
                b.serial(offset + i);
            }
        }
    }

    private static void blobs(ByteBuffer in, Set<RevocationList.Blob> into, int expectedLength, String what) {
        while (in.hasRemaining()) {
            byte[] blob = bytes(string(in));
            if (expectedLength != 0 && blob.length != expectedLength) {
                throw bad(what + " of " + blob.length + " bytes, expected " + expectedLength);
            }
            into.add(new RevocationList.Blob(blob));
        }
    }

    private static void extension(ByteBuffer in, String what) {
        String name = new String(bytes(string(in)), StandardCharsets.UTF_8);
        boolean critical = in.get() != 0;
        string(in);
        if (critical) {
            throw bad("contains the unsupported critical " + what + " \"" + name + "\"");
        }
    }

    private static ByteBuffer string(ByteBuffer in) {
        int len = in.getInt();
        if (len < 0 || len > in.remaining()) {
            throw bad("string length " + Integer.toUnsignedString(len) + " exceeds the " + in.remaining()
                    + " remaining bytes");
        }
        ByteBuffer s = in.slice(in.position(), len);
        in.position(in.position() + len);
        return s;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("malformed KRL: " + what
                + "; regenerate it with 'ssh-keygen -k -f FILE -s CA.pub SPEC'");
    }

    private static final class Builder {
        final byte[] caBlob;
        final Set<String> keyIds = new HashSet<>();
        final List<long[]> ranges = new ArrayList<>();

        Builder(byte[] caBlob) {
            this.caBlob = caBlob;
        }

        void serial(long serial) {
            range(serial, serial);
        }

        /** Adds the unsigned range [lo, high]. */
        void range(long lo, long high) {
            if (lo == 0) {
                throw bad("revokes serial 0, which OpenSSH refuses");
            }
            if (Long.compareUnsigned(lo, high) > 0) {
                throw bad("serial range " + Long.toUnsignedString(lo) + "-" + Long.toUnsignedString(high)
                        + " is inverted");
            }
            ranges.add(new long[] {lo, high});
        }
    }
}
