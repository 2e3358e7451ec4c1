package dev.postern.store;

/**
 * Where an app's secrets stand: the newest version and the one its machines run with (0 for none).
 * {@code latest > deployed} means changes are staged.
 */
public record SecretVersions(long latest, long deployed) {
    public static final SecretVersions NONE = new SecretVersions(0, 0);

    public SecretVersions {
        if (latest < 0 || deployed < 0 || deployed > latest) {
            throw new IllegalArgumentException("secret versions latest=" + latest + " deployed=" + deployed
                    + " are inconsistent");
        }
    }
}
