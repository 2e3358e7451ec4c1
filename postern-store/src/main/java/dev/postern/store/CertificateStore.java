package dev.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The certificate log and its revocations. */
public interface CertificateStore {
    /** A new serial, unique across the store and never reused, even after a crash. Starts at 1. */
    long nextSerial();

    /** Records an issued certificate; durable when this returns. */
    void record(IssuedCertificate certificate);

    /**
     * {@code count} new serials at once (one round trip on JDBC), each as {@link #nextSerial} would give it:
     * unique and never reused; not necessarily consecutive. {@code count} is 1 to {@value #MAX_SERIALS}.
     */
    default long[] nextSerials(int count) {
        checkSerialCount(count);
        long[] serials = new long[count];
        for (int i = 0; i < count; i++) {
            serials[i] = nextSerial();
        }
        return serials;
    }

    /** The most serials {@link #nextSerials} hands out in one call. */
    int MAX_SERIALS = 10_000;

    /**
     * Records several certificates as {@link #record} does each (one batch on JDBC). Inside
     * {@link Store#inTransaction} they are recorded all or none; a duplicate serial throws
     * {@link ConflictException} and, like any failure, spoils the transaction.
     */
    default void recordAll(List<IssuedCertificate> certificates) {
        for (IssuedCertificate c : List.copyOf(certificates)) {
            record(c);
        }
    }

    /** The org's certificates, oldest first. */
    List<IssuedCertificate> forOrg(long orgId);

    Optional<IssuedCertificate> bySerial(long orgId, long serial);

    /** Marks one certificate revoked; returns 1 when it was newly revoked, 0 when unknown or already revoked. */
    int revokeSerial(long orgId, long serial, Instant at, String by);

    /** Revokes every not-yet-revoked certificate of the person in the org; returns how many. */
    int revokePerson(long orgId, long personId, Instant at, String by);

    /** The org's revoked certificates, by serial. */
    List<IssuedCertificate> revoked(long orgId);

    /** Refuses a {@link #nextSerials} count out of range. */
    static void checkSerialCount(int count) {
        if (count < 1 || count > MAX_SERIALS) {
            throw new IllegalArgumentException("serial count " + count + " is out of range; ask for 1 to "
                    + MAX_SERIALS + " at a time");
        }
    }
}
