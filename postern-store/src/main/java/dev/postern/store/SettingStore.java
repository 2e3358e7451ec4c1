package dev.postern.store;

import java.util.Optional;

/** Small named values the control plane keeps, such as the sealed master-key check value. */
public interface SettingStore {
    Optional<byte[]> get(String name);

    /** Stores the value unless one exists; returns the value now stored. */
    byte[] putIfAbsent(String name, byte[] value);
}
