package dev.postern.cli.secrets;

import dev.postern.cli.CliException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads dotenv text ({@code postern secrets import < .env}): {@code NAME=VALUE} lines, blank lines and
 * {@code #} comments skipped, an optional {@code export } prefix, values bare (trimmed), in single quotes
 * (literal) or in double quotes ({@code \n}, {@code \"} and {@code \\} escapes). Errors name the line, never
 * its value.
 */
final class DotEnv {
    private DotEnv() {
    }

    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).stripLeading();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("line " + (i + 1) + " of the input is not NAME=VALUE; fix or remove it");
            }
            String name = SecretArgs.checkName(line.substring(0, eq).strip());
            String raw = line.substring(eq + 1).strip();
            out.put(name, value(raw, i + 1, name));
        }
        return out;
    }

    private static String value(String raw, int line, String name) {
        if (raw.startsWith("'")) {
            if (raw.length() < 2 || !raw.endsWith("'")) {
                throw unterminated(line, name);
            }
            return raw.substring(1, raw.length() - 1);
        }
        if (!raw.startsWith("\"")) {
            return raw;
        }
        if (raw.length() < 2 || !raw.endsWith("\"")) {
            throw unterminated(line, name);
        }
        StringBuilder b = new StringBuilder();
        String inner = raw.substring(1, raw.length() - 1);
        for (int k = 0; k < inner.length(); k++) {
            char c = inner.charAt(k);
            if (c == '\\' && k + 1 < inner.length()) {
                char n = inner.charAt(++k);
                b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n == 't' ? '\t' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static CliException unterminated(int line, String name) {
        return CliException.usage("line " + line + " (" + name + "): the quoted value is not closed on the same line;"
                + " write newlines as \\n inside double quotes");
    }
}
