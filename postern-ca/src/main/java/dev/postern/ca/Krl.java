package dev.postern.ca;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Writes OpenSSH key revocation lists (KRLs) that revoke certificates of one CA by serial, for sshd's
 * {@code RevokedKeys} and {@code ssh-keygen -Q}.
 *
 * <pre>{@code
 * Files.write(krlFile, Krl.write(ca.publicKeyLine(), List.of(17L, 42L), 3, clock.instant(), "org acme"));
 * }</pre>
 *
 * <p>Layout per OpenSSH's PROTOCOL.krl: the header (magic {@code "SSHKRL\n\0"}, format version 1, KRL
 * version, generation time, flags 0, empty reserved string, comment), then, when any serial is revoked, one
 * {@code KRL_SECTION_CERTIFICATES} section holding the CA key, an empty reserved string and one
 * {@code KRL_SECTION_CERT_SERIAL_LIST} subsection of ascending serials. With nothing revoked the KRL is the
 * header alone ("zero or more sections"), which OpenSSH reads as revoking nothing.
 */
public final class Krl {
    private static final byte[] MAGIC = "SSHKRL\n\0".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;
    private static final int SECTION_CERTIFICATES = 1;
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
        byte[] caKeyBlob = caKeyBlob(caPublicKeyLine);
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

        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + caKeyBlob.length + 8 * serials.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeLong(krlVersion);
            out.writeLong(generatedAt.getEpochSecond());
            out.writeLong(0); // flags: none defined
            writeString(out, new byte[0]); // reserved
            writeString(out, (comment == null ? "" : comment).getBytes(StandardCharsets.UTF_8));
            if (!serials.isEmpty()) {
                out.writeByte(SECTION_CERTIFICATES);
                writeString(out, certificatesSection(caKeyBlob, serials));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
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

    /** SSH wire form of the CA key; re-encoded after parsing so a malformed line cannot slip through. */
    private static byte[] caKeyBlob(String line) {
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("caPublicKeyLine is required, e.g. 'ssh-ed25519 AAAA...'");
        }
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(line)
                    .resolvePublicKey(null, java.util.Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalArgumentException("caPublicKeyLine '" + SshKeys.abbreviate(line)
                    + "' is not an OpenSSH public key line: " + e.getMessage(), e);
        }
        if (key == null || key instanceof OpenSshCertificate) {
            throw new IllegalArgumentException("caPublicKeyLine '" + SshKeys.abbreviate(line)
                    + "' must be a plain CA public key, not a certificate");
        }
        ByteArrayBuffer buf = new ByteArrayBuffer();
        buf.putRawPublicKey(key);
        return buf.getCompactData();
    }

    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
