package dev.postern.common;

/**
 * Showing values that came from outside (request bodies, paths, stored e-mails) to people: in error messages
 * only a short, escaped prefix ({@link #quote}); in listings the whole value with control and format
 * characters escaped ({@link #escape}), so that no value can move a terminal's cursor, change its colours,
 * end a line or hide text (ESC, NUL, U+2028, U+202E...).
 *
 * <pre>{@code
 * throw new IllegalArgumentException("region " + Untrusted.quote(region) + " is not valid");   // region '\u001b[2J...'
 * }</pre>
 */
public final class Untrusted {
    /** At most this many characters of a bad value appear in an error message. */
    public static final int QUOTE_LIMIT = 64;

    private Untrusted() {
    }

    /**
     * {@code 'value'}, escaped, cut to {@link #QUOTE_LIMIT} characters with {@code ...} and the full length. Refused
     * values are shown in ASCII: non-ASCII characters are escaped too, so that a lookalike ({@code p\u0430ypal})
     * shows what it is.
     */
    public static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        if (value.length() <= QUOTE_LIMIT) {
            return "'" + escape(value, true) + "'";
        }
        int end = QUOTE_LIMIT;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--; // never cut a pair in two
        }
        return "'" + escape(value.substring(0, end), true) + "...' (" + value.length() + " characters)";
    }

    /** The value with every unsafe character (see {@link #isUnsafe}) written as {@code \\uXXXX}; null stays null. */
    public static String escape(String value) {
        return escape(value, false);
    }

    private static String escape(String value, boolean asciiOnly) {
        if (value == null || value.codePoints().noneMatch(cp -> isUnsafe(cp) || asciiOnly && cp > 0x7e)
                && value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        value.codePoints().forEach(cp -> {
            if (cp == '\\') {
                out.append("\\\\"); // so that an escaped form in the value cannot pass for an escaped character
            } else if (isUnsafe(cp) || asciiOnly && cp > 0x7e) {
                for (char c : Character.toChars(cp)) {
                    out.append(String.format("\\u%04x", (int) c));
                }
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** True when the value holds a character {@link #isUnsafe} refuses. */
    public static boolean hasUnsafe(String value) {
        return value != null && value.codePoints().anyMatch(Untrusted::isUnsafe);
    }

    /**
     * Control characters (C0, DEL, C1), format characters (bidi overrides, zero-width joiners, BOM), line and
     * paragraph separators, lone surrogates, private-use and unassigned code points: none of them belongs in a
     * name, and each can change what a terminal shows.
     */
    public static boolean isUnsafe(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }
}
