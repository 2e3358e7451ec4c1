package dev.postern.server;

import dev.postern.common.Untrusted;
import java.util.regex.Pattern;

/** Org and app names become DNS labels ({@code <app>.internal}), so they follow DNS label rules. */
final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9-]{0,61}[a-z0-9]");

    private Names() {
    }

    static String check(String kind, String name) {
        if (name == null || !LABEL.matcher(name).matches()) {
            throw ApiException.badRequest(kind + " name " + Untrusted.quote(name) + " is not valid; use 2 to 63"
                    + " lower-case letters, digits and dashes, starting with a letter (e.g. 'acme')");
        }
        return name;
    }

    /** An untrusted path value for an error message: control characters replaced, at most 64 characters. */
    static String printable(String value) {
        String p = value == null ? "" : value.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 64 ? p.substring(0, 64) + "..." : p;
    }
}
