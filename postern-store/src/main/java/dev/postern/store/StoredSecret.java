package dev.postern.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of an app's secret history: {@code name} as of {@code version}.
 *
 * @param sealedValue the sealed value, null when this version unset it
 */
public record StoredSecret(long appId, String name, long version, byte[] sealedValue, String digest, String setBy,
                           Instant setAt) {
    public StoredSecret {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(setBy, "setBy");
        Objects.requireNonNull(setAt, "setAt");
        sealedValue = sealedValue == null ? null : sealedValue.clone();
    }

    @Override
    public byte[] sealedValue() {
        return sealedValue == null ? null : sealedValue.clone();
    }

    /** Whether this version removed the secret. */
    public boolean unset() {
        return sealedValue == null;
    }

    @Override
    public String toString() {
        return "StoredSecret[app " + appId + ", " + name + " v" + version + (unset() ? ", unset" : ", sealed")
                + ", by " + setBy + " at " + setAt + "]";
    }
}
