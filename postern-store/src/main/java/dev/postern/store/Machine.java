package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A machine that joined an app.
 *
 * @param id short random hex id, globally unique; the machine's name is {@code <id>.vm.<app>.internal}
 * @param address its private IPv6 address, from the org's ULA prefix
 * @param hostKeyFingerprint SHA256 fingerprint of the host key it joined with
 * @param lastSeen when its tunnel was last up (or it joined), for listings
 */
public record Machine(String id, long orgId, long appId, String region, String address, String hostKeyFingerprint,
                      Instant createdAt, Instant lastSeen, boolean online) {
    public Machine {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(hostKeyFingerprint, "hostKeyFingerprint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
