package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An org's user CA and host CA. Public keys are OpenSSH public key lines; private keys are sealed
 * (AES-GCM under the master key) and never stored in the clear.
 */
public record OrgAuthority(long orgId, String userCaPublicKey, byte[] userCaSealedKey,
                           String hostCaPublicKey, byte[] hostCaSealedKey, Instant createdAt) {
    public OrgAuthority {
        Objects.requireNonNull(userCaPublicKey, "userCaPublicKey");
        Objects.requireNonNull(hostCaPublicKey, "hostCaPublicKey");
        userCaSealedKey = userCaSealedKey.clone();
        hostCaSealedKey = hostCaSealedKey.clone();
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public byte[] userCaSealedKey() {
        return userCaSealedKey.clone();
    }

    @Override
    public byte[] hostCaSealedKey() {
        return hostCaSealedKey.clone();
    }

    @Override
    public String toString() {
        return "OrgAuthority[orgId=" + orgId + ", userCa=" + userCaPublicKey + ", hostCa=" + hostCaPublicKey + "]";
    }
}
