package dev.postern.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * An OpenSSH key revocation list (KRL, OpenSSH PROTOCOL.krl) as made by {@code ssh-keygen -k} and served
 * by the control plane. Immutable and thread-safe; lookups do no I/O.
 *
 * <pre>{@code
 * RevocationList krl = RevocationList.parse(Files.readAllBytes(path));
 * if (krl.isRevoked(cert)) { ... }
 * }</pre>
 *
 * Answers as {@code ssh-keygen -Q -f krl}: a certificate is revoked when its key id or (non-zero) serial is
 * listed for its CA or for the wildcard CA, or when its certified key or its CA key is revoked as a plain
 * key (explicit blob, SHA-1 or SHA-256 of the key blob).
 */
public final class RevocationList {
    private static final RevocationList EMPTY = new RevocationList(List.of(), Set.of(), Set.of(), Set.of(), 0, 0);

    private final List<CaSection> caSections;
    private final Set<Blob> explicitKeys;
    private final Set<Blob> sha1s;
    private final Set<Blob> sha256s;
    private final long version;
    private final long generatedAt;

    RevocationList(List<CaSection> caSections, Set<Blob> explicitKeys, Set<Blob> sha1s, Set<Blob> sha256s,
                   long version, long generatedAt) {
        this.caSections = List.copyOf(caSections);
        this.explicitKeys = Set.copyOf(explicitKeys);
        this.sha1s = Set.copyOf(sha1s);
        this.sha256s = Set.copyOf(sha256s);
        this.version = version;
        this.generatedAt = generatedAt;
    }

    /** A list that revokes nothing. */
    public static RevocationList empty() {
        return EMPTY;
    }

    /**
     * Reads a binary KRL.
     *
     * @throws IllegalArgumentException naming what is wrong when {@code krl} is not a well-formed KRL
     */
    public static RevocationList parse(byte[] krl) {
        return KrlReader.read(krl);
    }

    /** The KRL's own version number ({@code ssh-keygen -k -z}); 0 for {@link #empty()}. */
    public long version() {
        return version;
    }

    /** When the KRL was generated, seconds since the epoch (0 for {@link #empty()}). */
    public long generatedAt() {
        return generatedAt;
    }

    /** Whether {@code cert} is revoked, by key id, serial, its certified key or its CA key. */
    public boolean isRevoked(OpenSshCertificate cert) {
        if (isRevoked(cert.getCertPubKey()) || isRevoked(cert.getCaPubKey())) {
            return true;
        }
        byte[] caBlob = blob(cert.getCaPubKey());
        for (CaSection section : caSections) {
            if (section.appliesTo(caBlob) && section.revokes(cert.getId(), cert.getSerial())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a plain (non-certificate) public key is revoked by blob, SHA-1 or SHA-256. */
    public boolean isRevoked(PublicKey plainKey) {
        if (plainKey instanceof OpenSshCertificate) {
            return isRevoked((OpenSshCertificate) plainKey);
        }
        if (explicitKeys.isEmpty() && sha1s.isEmpty() && sha256s.isEmpty()) {
            return false;
        }
        byte[] b = blob(plainKey);
        return explicitKeys.contains(new Blob(b)) || sha1s.contains(new Blob(digest("SHA-1", b)))
                || sha256s.contains(new Blob(digest("SHA-256", b)));
    }

    static byte[] blob(PublicKey key) {
        ByteArrayBuffer buf = new ByteArrayBuffer();
        buf.putRawPublicKey(key);
        return buf.getCompactData();
    }

    private static byte[] digest(String alg, byte[] data) {
        try {
            return MessageDigest.getInstance(alg).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " missing from the JDK", e);
        }
    }

    @Override
    public String toString() {
        return "RevocationList[version=" + Long.toUnsignedString(version) + ", caSections=" + caSections.size()
                + ", keys=" + (explicitKeys.size() + sha1s.size() + sha256s.size()) + "]";
    }

    /** A byte string with value equality. */
    record Blob(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Blob && Arrays.equals(bytes, ((Blob) o).bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Blob[" + bytes.length + " bytes]";
        }
    }

    /**
     * Revocations for one CA ({@code caBlob} null: the wildcard section that applies to every CA).
     * Serial ranges are merged and sorted so a lookup is a binary search over unsigned values.
     */
    static final class CaSection {
        private final byte[] caBlob;
        private final Set<String> keyIds;
        private final long[] lows;
        private final long[] highs;

        CaSection(byte[] caBlob, Set<String> keyIds, List<long[]> ranges) {
            this.caBlob = caBlob == null ? null : caBlob.clone();
            this.keyIds = Set.copyOf(keyIds);
            List<long[]> sorted = new ArrayList<>(ranges);
            sorted.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
            List<long[]> merged = new ArrayList<>();
            for (long[] r : sorted) {
                long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && (Long.compareUnsigned(r[0], last[1]) <= 0 || last[1] != -1L && r[0] == last[1] + 1)) {
                    if (Long.compareUnsigned(r[1], last[1]) > 0) {
                        last[1] = r[1];
                    }
                } else {
                    merged.add(new long[] {r[0], r[1]});
                }
            }
            lows = new long[merged.size()];
            highs = new long[merged.size()];
            for (int i = 0; i < merged.size(); i++) {
                lows[i] = merged.get(i)[0];
                highs[i] = merged.get(i)[1];
            }
        }

        boolean appliesTo(byte[] certCaBlob) {
            return caBlob == null || Arrays.equals(caBlob, certCaBlob);
        }

        boolean revokes(String keyId, long serial) {
            if (keyIds.contains(keyId)) {
                return true;
            }
            // Serial 0 means "no serial" (ssh-keygen's default): never revoked by serial, as in OpenSSH.
            if (serial == 0 || lows.length == 0) {
                return false;
            }
            int lo = 0;
            int hi = lows.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(lows[mid], serial) > 0) {
                    hi = mid - 1;
                } else if (Long.compareUnsigned(highs[mid], serial) < 0) {
                    lo = mid + 1;
                } else {
                    return true;
                }
            }
            return false;
        }

        List<long[]> ranges() {
            List<long[]> out = new ArrayList<>();
            for (int i = 0; i < lows.length; i++) {
                out.add(new long[] {lows[i], highs[i]});
            }
            return Collections.unmodifiableList(out);
        }
    }
}
