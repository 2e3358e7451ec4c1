package dev.postern.server;

import dev.postern.common.Untrusted;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * E-mail address checks; addresses are compared lower-case. Only printable ASCII is accepted: an address is
 * shown in admins' terminals (members list, audit log), so no control, format or separator character may
 * pass, nor a non-ASCII lookalike of another person's address.
 */
final class Emails {
    /** The people.email column's size. */
    static final int MAX_LENGTH = 320;
    private static final Pattern EMAIL = Pattern.compile("[\\x21-\\x7e&&[^@,]]+@[\\x21-\\x7e&&[^@,]]+");

    private Emails() {
    }

    /** Lower-cases and checks the address, or throws naming it (shortened and escaped). */
    static String normalize(String email) {
        String e = email == null ? "" : email.trim();
        if (e.length() > MAX_LENGTH || !EMAIL.matcher(e).matches()) {
            throw new IllegalArgumentException("e-mail " + Untrusted.quote(email) + " is not an e-mail address; use"
                    + " name@example.com (printable ASCII, no spaces or commas, at most " + MAX_LENGTH + " characters)");
        }
        return e.toLowerCase(Locale.ROOT);
    }
}
