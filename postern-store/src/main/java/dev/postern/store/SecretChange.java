package dev.postern.store;

import java.util.Objects;

/**
 * One secret changed in a new version: set to a sealed value, or unset ({@code sealedValue} null).
 *
 * @param name        the environment variable name
 * @param sealedValue the value sealed under the master key; null when the change unsets it
 * @param digest      HMAC digest of the value (hex), null when unset
 */
public record SecretChange(String name, byte[] sealedValue, String digest) {
    public SecretChange {
        Objects.requireNonNull(name, "name");
        if ((sealedValue == null) != (digest == null)) {
            throw new IllegalArgumentException("secret " + name + ": a set has both a sealed value and a digest,"
                    + " an unset neither");
        }
        sealedValue = sealedValue == null ? null : sealedValue.clone();
    }

    /** A change that removes {@code name}. */
    public static SecretChange unset(String name) {
        return new SecretChange(name, null, null);
    }

    @Override
    public byte[] sealedValue() {
        return sealedValue == null ? null : sealedValue.clone();
    }

    @Override
    public String toString() {
        return "SecretChange[" + name + (sealedValue == null ? ", unset]" : ", sealed]");
    }
}
