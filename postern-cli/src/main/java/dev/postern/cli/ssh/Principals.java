package dev.postern.cli.ssh;

import dev.postern.cli.CliException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Client-side check of {@code -u/--username}: Unix login names, so a typo fails before any request. */
final class Principals {
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,31}");

    private Principals() {
    }

    static List<String> check(List<String> usernames) {
        List<String> out = new ArrayList<>();
        for (String u : usernames == null ? List.<String>of() : usernames) {
            String t = u.trim();
            if (!LOGIN.matcher(t).matches()) {
                throw CliException.usage("--username '" + u + "' is not a login name; use letters, digits, '.', '_' "
                        + "and '-' (up to 32), several separated by commas: -u root,fly");
            }
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }
}
