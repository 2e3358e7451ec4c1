package dev.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Listing and revoking machine join tokens by their public id (creating and using them: {@link MachineStore}). */
public interface JoinTokenStore {
    /** The app's join tokens, newest first, whatever their state. */
    List<JoinTokenEntry> forApp(long appId);

    Optional<JoinTokenEntry> byId(long id);

    Optional<JoinTokenEntry> byHash(String hash);

    /** Revokes a token; false when it does not exist or was already revoked. */
    boolean revoke(long id, Instant at, String by);

    /** Tokens of an org created by {@code email} that could still admit a machine at {@code now}, by id. */
    List<JoinTokenEntry> activeCreatedBy(long orgId, String email, Instant now);
}
