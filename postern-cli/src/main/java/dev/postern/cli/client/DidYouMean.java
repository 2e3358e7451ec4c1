package dev.postern.cli.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean ...?" for a mistyped command, option, app, org or machine: the known names within a small edit
 * distance of what was typed (a third of its length, at least 1), or that it is a prefix of, closest first. Every
 * suggestion is worded alike, at the end of the error's one line, after what to see:
 * {@code postern: no machine 'x' in app 'web'; see 'postern machines list --app web'; did you mean 'y'?}.
 *
 * <pre>{@code throw CliException.usage("no app 'dmeo'" + DidYouMean.suffix("dmeo", List.of("demo", "web")));}</pre>
 */
public final class DidYouMean {
    /** At most this many names are suggested. */
    static final int MAX = 3;

    private DidYouMean() {
    }

    /** The known names close to {@code typed}, closest first; empty when none is (or it is itself known). */
    public static List<String> closest(String typed, Collection<String> known) {
        if (typed == null || typed.isBlank() || known.contains(typed)) {
            return List.of();
        }
        String t = typed.trim().toLowerCase(Locale.ROOT);
        int limit = Math.max(1, t.length() / 3);
        record Scored(String name, int distance) {
        }
        List<Scored> close = new ArrayList<>();
        for (String name : known) {
            String n = name.toLowerCase(Locale.ROOT);
            int d = n.startsWith(t) ? 0 : distance(t, n);
            if (d <= limit) {
                close.add(new Scored(name, d));
            }
        }
        close.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        return close.stream().limit(MAX).map(Scored::name).toList();
    }

    /**
     * {@code "; did you mean 'demo'?"} (names escaped for the terminal: they come from the server), or {@code ""}
     * when no known name is close.
     */
    public static String suffix(String typed, Collection<String> known) {
        return suffix(closest(typed, known));
    }

    /** {@code "; did you mean 'a', 'b' or 'c'?"} for names already chosen (escaped), or {@code ""} for none. */
    public static String suffix(List<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        List<String> quoted = names.stream().map(n -> "'" + Printable.escape(n) + "'").toList();
        return "; did you mean " + (quoted.size() == 1 ? quoted.get(0)
                : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1))
                + "?";
    }

    /** Levenshtein distance (insertions, deletions, substitutions), with a swap of neighbours counting as one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
