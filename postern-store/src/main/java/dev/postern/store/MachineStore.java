package dev.postern.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Machines and the join tokens they join with. */
public interface MachineStore {
    void createJoinToken(JoinToken token);

    Optional<JoinToken> joinToken(String hash);

    /**
     * Uses a join token once, atomically: true only when it had a use left, had not expired at {@code now} and
     * was not revoked.
     */
    boolean consumeJoinToken(String hash, Instant now);


    /** Records a new machine; throws {@link ConflictException} when the id exists. */
    void create(Machine machine);

    Optional<Machine> byId(String id);

    /** Machines of an app ordered by id. */
    List<Machine> forApp(long appId);

    /** A number never handed out before, for the interface part of machine addresses. Starts at 1. */
    long nextMachineNumber();

    /** Records tunnel up/down; {@code lastSeen} becomes {@code at}. False when the machine is unknown. */
    boolean setOnline(String id, boolean online, Instant at);

    /**
     * Marks every machine offline (a starting gateway holds no tunnels yet; flags left by a crashed one are
     * stale). Returns how many were online.
     */
    int setAllOffline(Instant at);

    /**
     * Marks a machine removed at {@code at} (offline too) and revokes its host key for good; false when the
     * machine is unknown or already removed. Run it in a transaction with the audit record.
     */
    boolean remove(String id, Instant at, String by, String appName);

    /** Revoked host keys of an org's removed machines, oldest first. */
    List<RevokedHostKey> revokedHostKeys(long orgId);

    /** The revoked host key with this fingerprint ({@code SHA256:...}), in whatever org. */
    Optional<RevokedHostKey> revokedHostKey(String fingerprint);

    /** Deletes an app's machine rows and join tokens (its machines must be removed first: their keys stay revoked). */
    void deleteForApp(long appId);
}
