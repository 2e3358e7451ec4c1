package dev.postern.common;

import java.util.Locale;

/**
 * A person's role in an organization. Owners and admins manage members and the CA and may be issued
 * any principal; members may not be issued {@code root}.
 */
public enum Role {
    OWNER, ADMIN, MEMBER;

    /** True for roles that may manage members, apps and the CA. */
    public boolean isAdmin() {
        return this != MEMBER;
    }

    /** Parses {@code owner|admin|member} (any case) or throws naming the accepted values. */
    public static Role parse(String text) {
        if (text != null) {
            for (Role r : values()) {
                if (r.name().equalsIgnoreCase(text.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("role " + Untrusted.quote(text) + " is not one of owner, admin, member");
    }

    /** The lower-case name used on the command line and in JSON. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
