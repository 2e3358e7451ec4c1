package dev.postern.cli.ssh;

import dev.postern.cli.CliException;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional positionals of {@code postern ssh issue [ORG] [EMAIL] [PATH]}, told apart by shape: the one with
 * an '@' is EMAIL, those before it ORG, after it PATH. Without an EMAIL, two arguments are ORG PATH, and a
 * single one is PATH when it looks like a path ({@code /}, {@code .} or {@code ~} in front or a {@code /}
 * inside), else ORG.
 *
 * @param org null: the person's only org
 * @param email null: the caller
 * @param path null: no key file (use --agent or --dotssh)
 */
record IssueArguments(String org, String email, String path) {
    static IssueArguments parse(List<String> args) {
        List<String> a = args == null ? List.of() : new ArrayList<>(args);
        if (a.size() > 3) {
            throw CliException.usage("too many arguments " + a + "; expected [ORG] [EMAIL] [PATH]");
        }
        int at = -1;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).contains("@")) {
                if (at >= 0) {
                    throw CliException.usage("two e-mail addresses given ('" + a.get(at) + "' and '" + a.get(i)
                            + "'); expected [ORG] [EMAIL] [PATH]");
                }
                at = i;
            }
        }
        if (at >= 0) {
            if (at > 1 || a.size() - at - 1 > 1) {
                throw CliException.usage("arguments " + a + " are not in the order [ORG] [EMAIL] [PATH]");
            }
            return new IssueArguments(at == 1 ? a.get(0) : null, a.get(at), at + 1 < a.size() ? a.get(at + 1) : null);
        }
        switch (a.size()) {
            case 0:
                return new IssueArguments(null, null, null);
            case 1:
                return looksLikePath(a.get(0)) ? new IssueArguments(null, null, a.get(0))
                        : new IssueArguments(a.get(0), null, null);
            case 2:
                return new IssueArguments(a.get(0), null, a.get(1));
            default:
                throw CliException.usage("EMAIL '" + a.get(1) + "' is not an e-mail address; expected [ORG] [EMAIL] "
                        + "[PATH]");
        }
    }

    static boolean looksLikePath(String s) {
        return s.startsWith("/") || s.startsWith(".") || s.startsWith("~") || s.contains("/");
    }
}
