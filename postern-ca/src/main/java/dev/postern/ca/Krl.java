package dev.postern.ca;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Writes OpenSSH key revocation lists (KRLs) that revoke certificates by serial under one or more CA keys, and
 * plain keys (such as retired CA keys) outright, for sshd's {@code RevokedKeys} and {@code ssh-keygen -Q}.
 *
 * <pre>{@code
 * Files.write(krlFile, Krl.write(ca.publicKeyLine(), List.of(17L, 42L), 3, clock.instant(), "org acme"));
 * Files.write(krlFile, Krl.write(List.of(current, retired), List.of(17L), List.of(retired), 4, now, "org acme"));
 * }</pre>
 *
 * <p>Layout per OpenSSH's PROTOCOL.krl: the header (magic {@code "SSHKRL\n\0"}, format version 1, KRL
 * version, generation time, flags 0, empty reserved string, comment), then, when any serial is revoked, one
 * {@code KRL_SECTION_CERTIFICATES} section per CA key holding the CA key, an empty reserved string and one
 * {@code KRL_SECTION_CERT_SERIAL_LIST} subsection of ascending serials, then, when any plain key is revoked,
 * one {@code KRL_SECTION_EXPLICIT_KEY} section of key blobs. sshd and {@code ssh-keygen -Q} check a
 * certificate's signing CA key against the plain keys too, so revoking a CA key revokes every certificate it
 * signed. With nothing revoked the KRL is the header alone ("zero or more sections"), which OpenSSH reads as
 * revoking nothing.
 */
public final class Krl {
    private static final byte[] MAGIC = "SSHKRL\n\0".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;
    private static final int SECTION_CERTIFICATES = 1;
    private static final int SECTION_EXPLICIT_KEY = 2;
    private static final int CERT_SECTION_SERIAL_LIST = 0x20;

    private Krl() {
    }

    /**
     * Encodes a KRL revoking {@code revokedSerials} of certificates signed by {@code caPublicKeyLine}.
     *
     * @param krlVersion  increases with every new list, so a reader can tell newer from older (&ge; 0)
     * @param generatedAt stored as whole seconds
     * @param comment     free text shown by {@code ssh-keygen -Q -l}; null means none
     */
    public static byte[] write(String caPublicKeyLine, Collection<Long> revokedSerials, long krlVersion,
                               Instant generatedAt, String comment) {
        return write(List.of(caPublicKeyLine), revokedSerials, List.of(), krlVersion, generatedAt, comment);
    }

    /**
     * Encodes a KRL revoking {@code revokedSerials} under each of {@code caPublicKeyLines} (serials are unique
     * across all of them, so listing every serial under every CA revokes nothing else), and every key of
     * {@code revokedKeyLines} as a plain key: a revoked CA key revokes all certificates it signed.
     *
     * @param caPublicKeyLines at least one CA key; duplicates are written once
     * @param revokedKeyLines  plain public keys to revoke outright, e.g. retired CA keys; may be empty
     * @param krlVersion       increases with every new list, so a reader can tell newer from older (&ge; 0)
     * @param generatedAt      stored as whole seconds
     * @param comment          free text shown by {@code ssh-keygen -Q -l}; null means none
     */
    public static byte[] write(Collection<String> caPublicKeyLines, Collection<Long> revokedSerials,
                               Collection<String> revokedKeyLines, long krlVersion, Instant generatedAt,
                               String comment) {
        Objects.requireNonNull(caPublicKeyLines, "caPublicKeyLines");
        if (caPublicKeyLines.isEmpty()) {
            throw new IllegalArgumentException("caPublicKeyLines must name at least one CA key");
        }
        Map<Blob, byte[]> caKeys = new LinkedHashMap<>();
        for (String line : caPublicKeyLines) {
            byte[] blob = keyBlob(line, "caPublicKeyLine");
            caKeys.putIfAbsent(new Blob(blob), blob);
        }
        TreeMap<Blob, byte[]> revokedKeys = new TreeMap<>();
        for (String line : Objects.requireNonNull(revokedKeyLines, "revokedKeyLines")) {
            byte[] blob = keyBlob(line, "revokedKeyLine");
            revokedKeys.put(new Blob(blob), blob);
        }
        Objects.requireNonNull(revokedSerials, "revokedSerials");
        Objects.requireNonNull(generatedAt, "generatedAt");
        if (krlVersion < 0) {
            throw new IllegalArgumentException("krlVersion must be >= 0, got " + krlVersion);
        }
        if (generatedAt.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("generatedAt " + generatedAt + " is before 1970");
        }
        TreeSet<Long> serials = new TreeSet<>();
        for (Long s : revokedSerials) {
            // OpenSSH ignores serial 0 and reads serials as uint64; ours are always 1..Long.MAX_VALUE
            if (s == null || s <= 0) {
                throw new IllegalArgumentException("revoked serial must be > 0, got " + s);
            }
            serials.add(s);
        }

        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 64 * caKeys.size() + 8 * serials.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeLong(krlVersion);
            out.writeLong(generatedAt.getEpochSecond());
            out.writeLong(0); // flags: none defined
            writeString(out, new byte[0]); // reserved
            writeString(out, (comment == null ? "" : comment).getBytes(StandardCharsets.UTF_8));
            if (!serials.isEmpty()) {
                for (byte[] caKeyBlob : caKeys.values()) {
                    out.writeByte(SECTION_CERTIFICATES);
                    writeString(out, certificatesSection(caKeyBlob, serials));
                }
            }
            if (!revokedKeys.isEmpty()) {
                out.writeByte(SECTION_EXPLICIT_KEY);
                writeString(out, explicitKeySection(revokedKeys.values()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** A sequence of {@code string public_key_blob} (PROTOCOL.krl section 3). */
    private static byte[] explicitKeySection(Collection<byte[]> blobs) throws IOException {
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(section)) {
            for (byte[] blob : blobs) {
                writeString(out, blob);
            }
        }
        return section.toByteArray();
    }

    private static byte[] certificatesSection(byte[] caKeyBlob, TreeSet<Long> serials) throws IOException {
        ByteArrayOutputStream list = new ByteArrayOutputStream(8 * serials.size());
        try (DataOutputStream out = new DataOutputStream(list)) {
            for (long s : serials) {
                out.writeLong(s);
            }
        }
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(section)) {
            writeString(out, caKeyBlob);
            writeString(out, new byte[0]); // reserved
            out.writeByte(CERT_SECTION_SERIAL_LIST);
            writeString(out, list.toByteArray());
        }
        return section.toByteArray();
    }

    /** SSH wire form of a plain key; re-encoded after parsing so a malformed line cannot slip through. */
    private static byte[] keyBlob(String line, String field) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException(field + " is required, e.g. 'ssh-ed25519 AAAA...'");
        }
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(line)
                    .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalArgumentException(field + " '" + SshKeys.abbreviate(line)
                    + "' is not an OpenSSH public key line: " + e.getMessage(), e);
        }
        if (key == null || key instanceof OpenSshCertificate) {
            throw new IllegalArgumentException(field + " '" + SshKeys.abbreviate(line)
                    + "' must be a plain public key, not a certificate");
        }
        ByteArrayBuffer buf = new ByteArrayBuffer();
        buf.putRawPublicKey(key);
        return buf.getCompactData();
    }

    /** A key blob ordered as OpenSSH's blob_cmp orders them (bytes, then length), so the output is stable. */
    private record Blob(byte[] bytes) implements Comparable<Blob> {
        @Override
        public int compareTo(Blob o) {
            return Arrays.compareUnsigned(bytes, o.bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Blob b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
