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
}
