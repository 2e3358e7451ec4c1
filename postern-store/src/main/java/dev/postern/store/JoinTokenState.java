package dev.postern.store;

/** Whether a join token still admits machines, and if not, why. */
public enum JoinTokenState {
    ACTIVE, REVOKED, EXPIRED, USED_UP;

    /** Lower-case with spaces, as the CLI and API show it: {@code used up}. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
