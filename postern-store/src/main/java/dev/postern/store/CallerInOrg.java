package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What an API request in one org needs to know about its caller, read together by
 * {@link Store#callerInOrg}: the token, its person, the org named in the request, the caller's membership
 * of it, and which CA the org has. Every part after the token may be absent (null): the caller decides what
 * an absence means (401, 404...), exactly as if it had looked each part up on its own.
 *
 * @param person             the token's person, or null when it no longer exists
 * @param org                the org of that name, or null when there is none
 * @param membership         the person's membership of the org, or null when not a member (or no org)
 * @param authorityCreatedAt when the org's current CA was made, or null when it has none (or no org)
 * @param userCaPublicKey    the org's user CA public key line, null exactly when {@code authorityCreatedAt} is
 */
public record CallerInOrg(ApiToken token, Person person, Org org, Membership membership, Instant authorityCreatedAt,
                          String userCaPublicKey) {
    public CallerInOrg {
        Objects.requireNonNull(token, "token");
        if ((authorityCreatedAt == null) != (userCaPublicKey == null)) {
            throw new IllegalArgumentException("authorityCreatedAt " + authorityCreatedAt + " and userCaPublicKey "
                    + userCaPublicKey + " must be both present or both absent");
        }
    }
}
