package dev.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Apps, unique by name within an org. */
public interface AppStore {
    /** Creates an app; throws {@link ConflictException} when the org already has one of that name. */
    App create(long orgId, String name, Instant at);

    Optional<App> byName(long orgId, String name);

    /** Apps of an org ordered by name. */
    List<App> forOrg(long orgId);

    /**
     * Deletes an app row and its access grants; its machines and join tokens must be gone
     * ({@link MachineStore#deleteForApp}).
     */
    boolean delete(long appId);
}
