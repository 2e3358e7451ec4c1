package dev.postern.common.api;

import java.time.Instant;

/** One audit record as served by {@code GET /v1/audit}. */
public record AuditView(long id, Instant at, String actor, String org, String action, String target, String source,
                        String detail) {
}
