package dev.postern.cli.client;

/**
 * Text from elsewhere (the control plane, a machine) made safe to show on a terminal: control characters,
 * invisible format characters (bidi overrides) and line separators are written as escapes, so an answer
 * cannot move the cursor, rewrite earlier lines, set the window title or forge a line of our own output.
 *
 * <pre>{@code err.println("server said: " + Printable.escape(error));}</pre>
 */
public final class Printable {
    /** How much of a bad value an error message quotes. */
    public static final int PREFIX = 40;

    private Printable() {
    }

    /**
     * {@code text} with every unsafe character escaped ({@code \n}, {@code \e}, {@code \u202e}, ...) and
     * backslashes doubled, so the escapes cannot be told from the text; "null" for null.
     */
    public static String escape(String text) {
        return escape(text, true);
    }

    /**
     * As {@link #escape}, but backslashes kept: for a message that may already hold escaped parts, made safe
     * once more just before it reaches the terminal.
     */
    public static String forTerminal(String text) {
        return escape(text, false);
    }

    private static String escape(String text, boolean backslashes) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x1b -> b.append("\\e");
                case '\\' -> b.append(backslashes ? "\\\\" : "\\");
                default -> {
                    if (unsafe(c)) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }

    /** The escaped start of {@code text} in double quotes, cut after {@value #PREFIX} characters; for error messages. */
    public static String quotedPrefix(String text) {
        if (text == null) {
            return "null";
        }
        String e = escape(text);
        if (e.length() > PREFIX) {
            int end = e.offsetByCodePoints(0, e.codePointCount(0, PREFIX));
            return "\"" + e.substring(0, end) + "...\" (" + text.length() + " characters" + firstUnsafe(text) + ")";
        }
        return "\"" + e + "\"";
    }

    /** Where the first unsafe character is, when the prefix does not show it: often the point of the attack. */
    private static String firstUnsafe(String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (unsafe(c) && i >= PREFIX) {
                return ", " + escape(new String(Character.toChars(c))) + " at " + i + ": \""
                        + escape(text.substring(i, Math.min(text.length(), i + PREFIX / 2))) + "...\"";
            }
            if (unsafe(c)) {
                return "";
            }
            i += Character.charCount(c);
        }
        return "";
    }

    /** True when {@code text} has nothing {@link #escape} would change except backslashes. */
    public static boolean isSafe(String text) {
        return text.codePoints().noneMatch(Printable::unsafe);
    }

    static boolean unsafe(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
    }
}
