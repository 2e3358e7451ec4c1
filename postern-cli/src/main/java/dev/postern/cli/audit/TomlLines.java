package dev.postern.cli.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 1-based line of each key and table of a TOML document, which Jackson's TOML module does not keep (its
 * parser builds a tree first, so token locations are unknown). A path is a list of keys (String) and indexes of
 * arrays of tables (Integer): {@code [[services]]}'s second {@code internal_port} is
 * {@code ["services", 1, "internal_port"]}.
 *
 * <p>Only run on text Jackson has already parsed: this scanner knows enough TOML to find where statements start
 * (it skips strings, multi-line strings, arrays spanning lines and comments) but does not validate. Keys inside
 * inline tables are not indexed: {@link #line} answers the line of the nearest indexed ancestor, which for an
 * inline table (one line in TOML 1.0) is the same line.
 */
final class TomlLines {
    private final Map<List<Object>, Integer> lines = new HashMap<>();
    private final Map<List<Object>, Integer> arrayLengths = new HashMap<>();
    private final String text;
    private int pos;
    private int line = 1;

    private TomlLines(String text) {
        this.text = text;
    }

    /** Indexes {@code text}, a TOML document that parses. */
    static TomlLines of(String text) {
        TomlLines index = new TomlLines(text);
        index.scan();
        return index;
    }

    /** The line of {@code path}, else of its nearest indexed ancestor, else 1. */
    int line(List<Object> path) {
        for (int n = path.size(); n > 0; n--) {
            Integer found = lines.get(path.subList(0, n));
            if (found != null) {
                return found;
            }
        }
        return 1;
    }

    /** Convenience for {@link #line(List)}. */
    int line(Object... path) {
        return line(List.of(path));
    }

    private void scan() {
        List<Object> table = List.of();
        while (pos < text.length()) {
            skipBlanks();
            if (pos >= text.length()) {
                break;
            }
            char c = text.charAt(pos);
            if (c == '#') {
                skipComment();
            } else if (c == '\n' || c == '\r') {
                newline();
            } else if (c == '[') {
                boolean array = text.startsWith("[[", pos);
                int at = line;
                pos += array ? 2 : 1;
                List<String> keys = keys();
                pos = Math.min(text.length(), pos + (array ? 2 : 1));
                table = header(keys, array, at);
                skipToLineEnd();
            } else {
                int at = line;
                List<String> keys = keys();
                List<Object> path = new ArrayList<>(table);
                for (int i = 0; i < keys.size(); i++) {
                    path.add(keys.get(i));
                    if (i < keys.size() - 1) {
                        lines.putIfAbsent(List.copyOf(path), at);
                    }
                }
                lines.put(List.copyOf(path), at);
                if (pos < text.length() && text.charAt(pos) == '=') {
                    pos++;
                }
                skipValue();
            }
        }
    }

    /** Records a table header and answers the concrete path later keys belong to. */
    private List<Object> header(List<String> keys, boolean array, int at) {
        List<Object> path = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            path.add(keys.get(i));
            boolean last = i == keys.size() - 1;
            if (last && array) {
                int index = arrayLengths.merge(List.copyOf(path), 1, Integer::sum) - 1;
                path.add(index);
            } else {
                Integer length = arrayLengths.get(path);
                if (length != null) {
                    path.add(length - 1);
                }
            }
            if (last) {
                lines.put(List.copyOf(path), at);
            } else {
                lines.putIfAbsent(List.copyOf(path), at);
            }
        }
        return List.copyOf(path);
    }

    /** A dotted key ({@code a."b.c".'d'}), stopping before '=' or ']'. */
    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        while (pos < text.length()) {
            skipBlanks();
            if (pos >= text.length()) {
                break;
            }
            char c = text.charAt(pos);
            if (c == '"') {
                keys.add(basicString());
            } else if (c == '\'') {
                keys.add(literalString());
            } else {
                int start = pos;
                while (pos < text.length() && bareKeyChar(text.charAt(pos))) {
                    pos++;
                }
                if (pos == start) {
                    break;
                }
                keys.add(text.substring(start, pos));
            }
            skipBlanks();
            if (pos < text.length() && text.charAt(pos) == '.') {
                pos++;
            } else {
                break;
            }
        }
        return keys;
    }

    /** Skips a value: strings of every kind, arrays and inline tables (which may span lines), to the line end. */
    private void skipValue() {
        int depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                basicString();
            } else if (c == '\'') {
                literalString();
            } else if (c == '[' || c == '{') {
                depth++;
                pos++;
            } else if (c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
                pos++;
            } else if (c == '#') {
                skipComment();
            } else if (c == '\n') {
                if (depth == 0) {
                    return;
                }
                newline();
            } else {
                pos++;
            }
        }
    }

    /** A "basic" or """multi-line basic""" string; answers its text with escapes left as written. */
    private String basicString() {
        if (text.startsWith("\"\"\"", pos)) {
            pos += 3;
            int start = pos;
            while (pos < text.length() && !text.startsWith("\"\"\"", pos)) {
                if (text.charAt(pos) == '\\') {
                    countNewline(pos + 1);
                    pos += 2;
                } else {
                    countNewline(pos);
                    pos++;
                }
            }
            String s = text.substring(start, Math.min(pos, text.length()));
            pos += 3;
            // up to two more quotes may close a multi-line string ("""a""""")
            while (pos < text.length() && text.charAt(pos) == '"') {
                pos++;
            }
            return s;
        }
        pos++;
        StringBuilder s = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != '"' && text.charAt(pos) != '\n') {
            if (text.charAt(pos) == '\\' && pos + 1 < text.length()) {
                s.append(unescape(text.charAt(pos + 1)));
                pos += 2;
            } else {
                s.append(text.charAt(pos++));
            }
        }
        if (pos < text.length() && text.charAt(pos) == '"') {
            pos++;
        }
        return s.toString();
    }

    /** A 'literal' or '''multi-line literal''' string (no escapes). */
    private String literalString() {
        String quote = text.startsWith("'''", pos) ? "'''" : "'";
        pos += quote.length();
        int start = pos;
        boolean multiLine = quote.length() == 3;
        while (pos < text.length() && !text.startsWith(quote, pos) && (multiLine || text.charAt(pos) != '\n')) {
            countNewline(pos);
            pos++;
        }
        String s = text.substring(start, Math.min(pos, text.length()));
        if (text.startsWith(quote, pos)) {
            pos += quote.length();
        }
        while (multiLine && pos < text.length() && text.charAt(pos) == '\'') {
            pos++;
        }
        return s;
    }

    private static char unescape(char c) {
        switch (c) {
            case 'n': return '\n';
            case 't': return '\t';
            default: return c;
        }
    }

    private static boolean bareKeyChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private void countNewline(int at) {
        if (at < text.length() && text.charAt(at) == '\n') {
            line++;
        }
    }

    private void newline() {
        if (text.charAt(pos) == '\n') {
            line++;
        }
        pos++;
    }

    private void skipBlanks() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipComment() {
        while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void skipToLineEnd() {
        while (pos < text.length() && text.charAt(pos) != '\n') {
            if (text.charAt(pos) == '#') {
                skipComment();
            } else {
                pos++;
            }
        }
    }
}
