package dev.postern.ca;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Adds plain public keys to a KRL written by {@link Krl#write}: one {@code KRL_SECTION_EXPLICIT_KEY} section
 * (PROTOCOL.krl: {@code byte 2, string section_data}, the data being one {@code string key_blob} per key).
 * Sections may come in any order after the header, so the section is appended. A revoked key revokes every
 * certificate of that key too (OpenSSH's {@code ssh_krl_check_key} checks the certified key).
 *
 * <pre>{@code
 * byte[] krl = RevokedKeysSection.append(Krl.write(ca, serials, v, at, c), List.of("ssh-ed25519 AAAA..."));
 * }</pre>
 */
public final class RevokedKeysSection {
    private static final int SECTION_EXPLICIT_KEY = 2;

    private RevokedKeysSection() {
    }

    /** {@code krl} followed by a section revoking {@code keyLines}; {@code krl} unchanged when there are none. */
    public static byte[] append(byte[] krl, Collection<String> keyLines) {
        Set<String> blobs = new LinkedHashSet<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(data)) {
            for (String line : keyLines) {
                byte[] blob = blob(line);
                if (blobs.add(java.util.Base64.getEncoder().encodeToString(blob))) {
                    out.writeInt(blob.length);
                    out.write(blob);
                }
            }
            if (blobs.isEmpty()) {
                return krl;
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream(krl.length + data.size() + 5);
            try (DataOutputStream o = new DataOutputStream(all)) {
                o.write(krl);
                o.writeByte(SECTION_EXPLICIT_KEY);
                o.writeInt(data.size());
                o.write(data.toByteArray());
            }
            return all.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
    }

    private static byte[] blob(String line) {
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalArgumentException("revoked key '" + SshKeys.abbreviate(line)
                    + "' is not an OpenSSH public key line: " + e.getMessage(), e);
        }
        if (key == null || key instanceof OpenSshCertificate) {
            throw new IllegalArgumentException("revoked key '" + SshKeys.abbreviate(line)
                    + "' must be a plain public key, not a certificate");
        }
        ByteArrayBuffer buf = new ByteArrayBuffer();
        buf.putRawPublicKey(key);
        return buf.getCompactData();
    }
}
