package dev.postern.cli.ssh;

import dev.postern.cli.CliException;

/** A certificate lifetime in whole hours, 1..72 (the server enforces the same range). */
record Hours(int value) {
    static final int MIN = 1;
    static final int MAX = 72;

    Hours {
        if (value < MIN || value > MAX) {
            throw CliException.usage("--hours " + value + " is out of range; certificates last " + MIN + " to " + MAX
                    + " hours (default 24)");
        }
    }

    /** Parses the {@code --hours} text, refusing anything but a whole number in range, quoting the bad value. */
    static Hours parse(String text) {
        String t = text == null ? "" : text.trim();
        if (!t.matches("[0-9]{1,9}")) {
            throw CliException.usage("--hours '" + text + "' is not a whole number of hours; give " + MIN + " to "
                    + MAX + " (default 24)");
        }
        return new Hours(Integer.parseInt(t));
    }
}
