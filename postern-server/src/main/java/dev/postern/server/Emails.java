package dev.postern.server;

import java.util.Locale;
import java.util.regex.Pattern;

/** E-mail address checks; addresses are compared lower-case. */
final class Emails {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[^@\\s,]+");

    private Emails() {
    }

    /** Lower-cases and checks the address, or throws naming it. */
    static String normalize(String email) {
        if (email == null || !EMAIL.matcher(email.trim()).matches()) {
            throw new IllegalArgumentException("'" + email + "' is not an e-mail address; use name@example.com");
        }
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** The part before the @, made into a valid login name ({@code jane.doe@x} gives {@code jane.doe}). */
    static String loginName(String email) {
        String local = email.substring(0, email.indexOf('@')).toLowerCase(Locale.ROOT);
        String cleaned = local.replaceAll("[^a-z0-9_.-]", "_");
        if (cleaned.isEmpty() || !Character.isLetter(cleaned.charAt(0)) && cleaned.charAt(0) != '_') {
            cleaned = "u" + cleaned;
        }
        return cleaned.length() > 32 ? cleaned.substring(0, 32) : cleaned;
    }
}
