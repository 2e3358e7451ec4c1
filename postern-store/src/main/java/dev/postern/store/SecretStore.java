package dev.postern.store;

import java.time.Instant;
import java.util.List;

/**
 * Versioned, sealed secrets per app. Every change appends a version; deploying makes the newest version the one
 * machines get. The store never sees a value in the clear.
 */
public interface SecretStore {
    /**
     * Records {@code changes} as one new version of the app's secrets and returns its number (1, 2, ...). Call it
     * inside {@link Store#inTransaction}: the version counter row is locked until the transaction ends, so two
     * concurrent changes get distinct versions.
     */
    long append(long appId, List<SecretChange> changes, String by, Instant at);

    /** Makes the newest version the deployed one and returns where the app now stands. */
    SecretVersions deployLatest(long appId);

    /** The app's newest and deployed versions ({@link SecretVersions#NONE} before its first change). */
    SecretVersions versions(long appId);

    /** Every change ever made to the app's secrets, by name then version. */
    List<StoredSecret> history(long appId);
}
