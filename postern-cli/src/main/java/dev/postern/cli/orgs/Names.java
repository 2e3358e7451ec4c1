package dev.postern.cli.orgs;

import dev.postern.cli.CliException;

/**
 * The client-side check of org and app names: only what can never be a name (blank, whitespace, '/'), so a
 * swapped argument fails before any request. The server owns the full rule and explains it.
 */
public final class Names {
    private Names() {
    }

    public static String check(String what, String name) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty() || n.length() > 63 || n.contains("/") || n.chars().anyMatch(Character::isWhitespace)) {
            throw CliException.usage(what + " '" + name + "' is not valid; use 1 to 63 lower-case letters, digits "
                    + "and '-' (e.g. acme-prod)");
        }
        return n;
    }
}
