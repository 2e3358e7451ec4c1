package dev.postern.cli.secrets;

import dev.postern.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code NAME=VALUE}, {@code NAME=-} (the value is standard input, one trailing newline dropped) and
 * {@code NAME=@FILE} (the file's content as is) arguments of {@code postern secrets set}. A value on the command
 * line is visible to local users in {@code ps}; {@code -} and {@code @FILE} keep it out of argv.
 */
final class SecretArgs {
    private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");
    /** Larger inputs than any value the server accepts are refused before they are read to the end. */
    private static final int MAX_READ = 64 * 1024;

    private SecretArgs() {
    }

    static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            // a pasted NAME=VALUE must not put its value on the terminal: only the part before '=' is shown
            int eq = name.indexOf('=');
            String part = eq >= 0 ? name.substring(0, eq) : name;
            String shown = part.length() > 40 ? part.substring(0, 40) + "..." : part;
            throw CliException.usage("secret name '" + shown + "'" + (eq >= 0 ? " followed by '=...'" : "")
                    + " is not valid; use upper-case letters, digits and '_', not starting with a digit (e.g."
                    + " DATABASE_URL)" + (eq >= 0 ? "; 'unset' takes names only" : ""));
        }
        if (name.startsWith("POSTERN_")) {
            throw CliException.usage("secret name " + name + " is reserved (POSTERN_* belongs to the agent); pick"
                    + " another name");
        }
        return name;
    }

    static Map<String, String> parse(List<String> args, InputStream stdin) {
        return parse(args, stdin, Optional.empty());
    }

    /**
     * As {@link #parse(List, InputStream)}; with {@code terminal}, a {@code NAME=-} value is typed there without
     * echo (one line) instead of read from {@code stdin} to its end.
     */
    static Map<String, String> parse(List<String> args, InputStream stdin, Optional<HiddenInput> terminal) {
        Map<String, String> out = new LinkedHashMap<>();
        boolean stdinUsed = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                // not quoted: a value typed without its NAME= would end up on the terminal and in logs
                throw CliException.usage("argument " + (i + 1) + " after the options is not NAME=VALUE; give"
                        + " NAME=VALUE, NAME=- (value from stdin) or NAME=@FILE");
            }
            String name = checkName(arg.substring(0, eq));
            String spec = arg.substring(eq + 1);
            String value;
            if (spec.equals("-")) {
                if (stdinUsed) {
                    throw CliException.usage("only one secret may read its value from stdin (NAME=-)");
                }
                stdinUsed = true;
                value = terminal.isPresent()
                        ? terminal.get().read("Value of " + name + " (not shown as you type; Enter ends it): ")
                        : dropNewline(read(stdin, "stdin"));
                if (value.length() > MAX_READ) {
                    throw CliException.usage("the value of " + name + " is longer than " + MAX_READ + " characters;"
                            + " a secret value may hold at most 32768 bytes");
                }
            } else if (spec.startsWith("@")) {
                Path file = Path.of(spec.substring(1));
                try (InputStream in = Files.newInputStream(file)) {
                    value = read(in, file.toString());
                } catch (IOException e) {
                    throw CliException.usage("cannot read the value of " + name + " from " + file + ": "
                            + e.getClass().getSimpleName() + "; check the path after '@'");
                }
            } else {
                value = spec;
            }
            if (out.put(name, value) != null) {
                throw CliException.usage("secret " + name + " is given twice; give it once");
            }
        }
        return out;
    }

    static String read(InputStream in, String what) {
        try {
            byte[] bytes = in.readNBytes(MAX_READ + 1);
            if (bytes.length > MAX_READ) {
                throw CliException.usage(what + " holds more than " + MAX_READ + " bytes; a secret value may hold"
                        + " at most 32768");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + what + ": " + e.getClass().getSimpleName());
        }
    }

    private static String dropNewline(String s) {
        return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
