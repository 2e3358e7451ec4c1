package dev.postern.common.api;

import java.time.Instant;

/** An app as listed. */
public record AppView(String org, String name, Instant createdAt) {
}
