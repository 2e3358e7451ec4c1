package dev.postern.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which apps a user certificate is good for: the certificate extension {@value #EXTENSION}, whose value is
 * {@value #ALL} (an owner's or admin's certificate: every app of the org) or the comma-separated app names. The
 * control plane writes it; agents that know their app refuse a certificate that does not name it. Stock sshd
 * ignores unknown extensions (docs/ACCESS.md has the {@code AuthorizedPrincipalsFile} recipe for it).
 *
 * <pre>{@code
 * AppScope.encode(List.of("web", "db"))   // "web,db"
 * AppScope.allows("web,db", "web")        // true
 * AppScope.allows("*", "anything")        // true
 * }</pre>
 */
public final class AppScope {
    /** The extension's name (OpenSSH's vendor-extension form {@code name@domain}). */
    public static final String EXTENSION = "postern-apps@postern.dev";
    /** The value that names every app of the org. */
    public static final String ALL = "*";

    private AppScope() {
    }

    /** The extension value naming {@code apps}; each must be a non-empty name without ',' or whitespace. */
    public static String encode(List<String> apps) {
        if (apps.isEmpty()) {
            throw new IllegalArgumentException("a certificate must name at least one app (or " + ALL + ")");
        }
        for (String a : apps) {
            if (a == null || a.isEmpty() || a.indexOf(',') >= 0 || a.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("app name " + Untrusted.quote(a) + " cannot be put in " + EXTENSION);
            }
        }
        return String.join(",", apps);
    }

    /** The apps a value names ({@code ["*"]} for all); empty list for an empty or absent value. */
    public static List<String> decode(Optional<String> value) {
        if (value.isEmpty() || value.get().isEmpty()) {
            return List.of();
        }
        return List.copyOf(new ArrayList<>(Arrays.asList(value.get().split(",", -1))));
    }

    /** Whether a certificate whose extension has {@code value} is good for {@code app}. */
    public static boolean allows(String value, String app) {
        List<String> apps = decode(Optional.ofNullable(value));
        return apps.contains(ALL) || apps.contains(app);
    }
}
