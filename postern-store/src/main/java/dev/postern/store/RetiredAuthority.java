package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * CA public keys an org used before its current ones ({@code postern ssh establish --override}). Only public
 * keys are kept: nothing may be signed with a retired CA, but its certificates must stay revoked.
 *
 * @param createdAt when the retired CA was made
 * @param retiredAt when the CA that replaced it was stored
 */
public record RetiredAuthority(long orgId, String userCaPublicKey, String hostCaPublicKey, Instant createdAt,
                               Instant retiredAt) {
    public RetiredAuthority {
        Objects.requireNonNull(userCaPublicKey, "userCaPublicKey");
        Objects.requireNonNull(hostCaPublicKey, "hostCaPublicKey");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(retiredAt, "retiredAt");
    }
}
