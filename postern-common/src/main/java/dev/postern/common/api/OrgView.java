package dev.postern.common.api;

import java.time.Instant;

/** An org as listed to a member: {@code role} is the caller's role there. */
public record OrgView(String name, String role, Instant createdAt, boolean hasCa) {
}
