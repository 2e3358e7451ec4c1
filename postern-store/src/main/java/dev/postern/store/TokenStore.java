package dev.postern.store;

import java.time.Instant;
import java.util.Optional;

/** Bearer tokens, stored only as hashes. */
public interface TokenStore {
    void create(ApiToken token);

    Optional<ApiToken> byHash(String hash);

    /**
     * Consumes a one-time token atomically: true only for the single caller that flipped it from unused
     * to used; false when it was already used or does not exist.
     */
    boolean markUsed(String hash, Instant at);

    /** Deletes one token (logout); false when it did not exist. */
    boolean delete(String hash);

    /** Deletes every session token of a person (offboarding); returns how many there were. */
    int deleteSessions(long personId);

    /** Deletes a person's one-time login tokens not used yet (offboarding); returns how many there were. */
    int deleteUnusedInvites(long personId);
}
