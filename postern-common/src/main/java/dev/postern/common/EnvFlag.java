package dev.postern.common;

import java.util.Locale;

/**
 * An on/off environment variable such as {@code POSTERN_ALLOW_HTTP}. Only {@code 1} and {@code true} (any case)
 * turn it on; unset or empty leaves it off; any other value ({@code 0}, {@code no}, {@code false}, a typo) is an
 * error that names the accepted values. Why not "set means on": {@code POSTERN_ALLOW_HTTP=0} must never allow
 * plain HTTP, and an operator who wrote {@code no} should learn that it is not understood.
 *
 * <pre>{@code boolean allow = EnvFlag.isOn("POSTERN_ALLOW_HTTP", System.getenv("POSTERN_ALLOW_HTTP"));}</pre>
 */
public final class EnvFlag {
    private EnvFlag() {
    }

    /**
     * @param value the variable's value; null when unset
     * @throws IllegalArgumentException for a value other than unset, empty, {@code 1} or {@code true}
     */
    public static boolean isOn(String name, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("1") || v.equals("true")) {
            return true;
        }
        String shown = value.length() > 20 ? value.substring(0, 20) + "..." : value;
        throw new IllegalArgumentException(name + "='" + shown.replaceAll("\\p{Cntrl}", "?") + "' is not understood; "
                + "set " + name + "=1 (or true) to turn it on, or unset it to leave it off");
    }
}
