package dev.postern.common.api;

import java.time.Instant;
import java.util.List;

/** A member's access grant on an app, as listed. */
public record AccessGrantView(String org, String app, String email, List<String> logins, String grantedBy,
                              Instant grantedAt) {
}
