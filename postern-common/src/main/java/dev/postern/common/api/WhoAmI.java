package dev.postern.common.api;

import java.util.List;

/** Answer to {@code GET /v1/whoami}. */
public record WhoAmI(String email, List<OrgRole> orgs) {
    public WhoAmI {
        orgs = List.copyOf(orgs);
    }
}
