package dev.postern.cli;

import java.util.Map;

/**
 * How wide {@code --help} is: the terminal's width as the shell exports it ({@code COLUMNS}), within 80..160, else
 * 100. Why not picocli's auto-width: it runs {@code stty} in a child process to find the width, and picocli's default
 * of 80 wrapped the longer descriptions into narrow columns.
 */
final class HelpWidth {
    static final int DEFAULT = 100;
    static final int MIN = 80;
    static final int MAX = 160;

    private HelpWidth() {
    }

    /** The width for the environment {@code variables}. */
    static int of(Map<String, String> variables) {
        String columns = variables.get("COLUMNS");
        if (columns != null && columns.strip().matches("\\d{1,4}")) {
            return Math.max(MIN, Math.min(MAX, Integer.parseInt(columns.strip())));
        }
        return DEFAULT;
    }
}
