package dev.postern.common.api;

import java.time.Instant;

/** A machine as listed by {@code postern machines list}; state is {@code online} while its tunnel is up. */
public record MachineView(String id, String app, String name, String region, String address, String state,
                          Instant lastSeen) {
}
