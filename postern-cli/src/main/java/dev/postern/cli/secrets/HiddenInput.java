package dev.postern.cli.secrets;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A value typed at the terminal without echo, for {@code NAME=-} when standard input is a terminal: reading it as
 * ordinary input would show the secret on the screen (and in a scrollback, a screen recording, a shared session).
 */
@FunctionalInterface
interface HiddenInput {
    /** Shows {@code prompt} and reads one line without echo; the line without its terminator. */
    String read(String prompt);

    /**
     * The terminal's, when the command's stdin and stdout are the process's own and a terminal; one that refuses,
     * when stdin is a terminal and stdout is not (the JVM then has no console, and stdin read as ordinary input would
     * echo the value); else empty.
     */
    static Optional<HiddenInput> of(CliEnvironment env) {
        if (env.in() != System.in || env.out() != System.out) {
            return Optional.empty();
        }
        return of(System.console(), isTerminal(Path.of("/proc/self/fd/0")));
    }

    /**
     * @param console the JVM's (null unless both stdin and stdout are terminals)
     * @param stdinTerminal whether stdin is a terminal all the same
     */
    static Optional<HiddenInput> of(Console console, boolean stdinTerminal) {
        if (console != null) {
            return Optional.of(prompt -> {
                char[] typed = console.readPassword("%s", prompt);
                if (typed == null) {
                    throw CliException.usage("no value was typed (input ended); type it and press Enter, or use"
                            + " NAME=@FILE");
                }
                return new String(typed);
            });
        }
        if (stdinTerminal) {
            return Optional.of(prompt -> {
                throw CliException.usage("standard input is a terminal but standard output is not, so a value typed"
                        + " for NAME=- would show on the screen as it is typed; run the command without redirecting"
                        + " its output, pipe the value in (printf '%s' \"$VALUE\" | postern secrets set ... NAME=-) or"
                        + " give NAME=@FILE");
            });
        }
        return Optional.empty();
    }

    /** Whether {@code fd} (a /proc/self/fd entry) is a terminal: a link to a pseudo-terminal or a console. */
    static boolean isTerminal(Path fd) {
        try {
            String to = Files.readSymbolicLink(fd).toString();
            return to.startsWith("/dev/pts/") || to.startsWith("/dev/tty") || to.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // not Linux, or no such descriptor: as before, stdin is read as ordinary input
        }
    }
}
