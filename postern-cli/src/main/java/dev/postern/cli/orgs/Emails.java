package dev.postern.cli.orgs;

import dev.postern.cli.CliException;
import dev.postern.common.Untrusted;

/** The client-side e-mail check: enough to catch a swapped argument before any request. */
public final class Emails {
    private Emails() {
    }

    /** The trimmed address, or a usage error quoting it. */
    public static String check(String email) {
        String e = email == null ? "" : email.trim();
        int at = e.indexOf('@');
        if (at <= 0 || at != e.lastIndexOf('@') || at == e.length() - 1 || e.chars().anyMatch(Character::isWhitespace)
                || Untrusted.hasUnsafe(e)) {
            throw CliException.usage("--email " + Untrusted.quote(email)
                    + " is not an e-mail address (expected name@example.com)");
        }
        return e;
    }
}
