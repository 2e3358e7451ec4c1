package dev.postern.cli.machines;

import dev.postern.cli.CliException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A join token lifetime as typed: {@code 30m}, {@code 1h}, {@code 7d} (the server allows 1m to 30d). */
record Ttl(Duration value) {
    static final Duration MIN = Duration.ofMinutes(1);
    static final Duration MAX = Duration.ofDays(30);
    private static final Pattern SHAPE = Pattern.compile("([0-9]{1,7})([smhd])");

    Ttl {
        if (value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0) {
            throw CliException.usage("--ttl " + text(value) + " is out of range; join tokens last 1m to 30d (e.g. --ttl 1h)");
        }
    }

    /** Parses {@code <number><s|m|h|d>}, quoting the bad value when it is anything else. */
    static Ttl parse(String text) {
        String t = text == null ? "" : text.trim();
        Matcher m = SHAPE.matcher(t);
        if (!m.matches()) {
            throw CliException.usage("--ttl '" + text + "' is not a duration; write a whole number and a unit: "
                    + "30m, 1h, 7d (s, m, h, d)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return new Ttl(d);
    }

    long seconds() {
        return value.toSeconds();
    }

    private static String text(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
