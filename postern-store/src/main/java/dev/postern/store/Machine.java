package dev.postern.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A machine that joined an app.
 *
 * @param id short random hex id, globally unique; the machine's name is {@code <id>.vm.<app>.internal}
 * @param address its private IPv6 address, from the org's ULA prefix
 * @param hostKeyFingerprint SHA256 fingerprint of the host key it joined with
 * @param lastSeen when its tunnel was last up (or it joined), for listings
 * @param hostKey the host public key line it joined with; null for machines that joined before it was kept
 * @param removedAt when it was removed from its app ({@code postern machines remove}); null while it belongs
 */
public record Machine(String id, long orgId, long appId, String region, String address, String hostKeyFingerprint,
                      Instant createdAt, Instant lastSeen, boolean online, String hostKey, Instant removedAt) {
    public Machine {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(hostKeyFingerprint, "hostKeyFingerprint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }

    /** A machine whose host key line is not known and that was never removed. */
    public Machine(String id, long orgId, long appId, String region, String address, String hostKeyFingerprint,
                   Instant createdAt, Instant lastSeen, boolean online) {
        this(id, orgId, appId, region, address, hostKeyFingerprint, createdAt, lastSeen, online, null, null);
    }

    public boolean removed() {
        return removedAt != null;
    }

    public Optional<String> hostKeyLine() {
        return Optional.ofNullable(hostKey);
    }
}
