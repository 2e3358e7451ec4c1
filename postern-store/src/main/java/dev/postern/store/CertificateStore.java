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

    /** The org's certificates, oldest first. */
    List<IssuedCertificate> forOrg(long orgId);

    Optional<IssuedCertificate> bySerial(long orgId, long serial);

    /** Marks one certificate revoked; returns 1 when it was newly revoked, 0 when unknown or already revoked. */
    int revokeSerial(long orgId, long serial, Instant at, String by);

    /** Revokes every not-yet-revoked certificate of the person in the org; returns how many. */
    int revokePerson(long orgId, long personId, Instant at, String by);

    /** The org's revoked certificates, by serial. */
    List<IssuedCertificate> revoked(long orgId);
}
