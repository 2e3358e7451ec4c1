package dev.postern.ca;

import java.time.Instant;
import java.util.List;

/** Validation shared by {@link UserCertRequest} and {@link HostCertRequest}. */
final class CertRequestChecks {
    /** OpenSSH refuses certificates with more principals than this (SSHKEY_CERT_MAX_PRINCIPALS). */
    static final int MAX_PRINCIPALS = 256;

    private CertRequestChecks() {
    }

    static void checkSerial(long serial) {
        // 0 means "no serial" to OpenSSH and cannot be revoked by a KRL; negative longs would be huge uint64s
        if (serial <= 0) {
            throw new IllegalArgumentException("serial must be > 0, got " + serial);
        }
    }

    static void checkKeyId(String keyId) {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("keyId is required (it names the holder in sshd logs), got '"
                    + keyId + "'");
        }
        if (keyId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("keyId '" + keyId.replaceAll("\\p{Cntrl}", "?")
                    + "' contains control characters; sshd logs it verbatim");
        }
    }

    static List<String> checkPrincipals(List<String> principals) {
        if (principals == null || principals.isEmpty()) {
            // an empty principal list makes OpenSSH accept the certificate for ANY user or host
            throw new IllegalArgumentException("principals must not be empty; an empty list would let the"
                    + " certificate log in as any user (or stand for any host)");
        }
        if (principals.size() > MAX_PRINCIPALS) {
            throw new IllegalArgumentException("at most " + MAX_PRINCIPALS + " principals allowed, got "
                    + principals.size());
        }
        for (String p : principals) {
            if (p == null || p.isEmpty()) {
                throw new IllegalArgumentException("principals " + principals + " contain an empty entry");
            }
            if (p.chars().anyMatch(c -> c == ',' || Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("principal '" + p
                        + "' must not contain commas, whitespace or control characters");
            }
        }
        return List.copyOf(principals);
    }

    static void checkValidity(Instant validAfter, Instant validBefore) {
        if (validAfter == null || validBefore == null) {
            throw new IllegalArgumentException("validAfter and validBefore are required, got " + validAfter
                    + " and " + validBefore);
        }
        if (validAfter.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("validAfter " + validAfter + " is before 1970");
        }
        // certificates carry whole seconds; compare what will actually be signed
        if (validAfter.getEpochSecond() >= validBefore.getEpochSecond()) {
            throw new IllegalArgumentException("validAfter " + validAfter + " must be before validBefore "
                    + validBefore + " (by at least one second)");
        }
    }
}
