package dev.postern.cli.secrets;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import java.io.Console;
import java.util.Optional;

/**
 * A value typed at the terminal without echo, for {@code NAME=-} when standard input is a terminal: reading it as
 * ordinary input would show the secret on the screen (and in a scrollback, a screen recording, a shared session).
 */
@FunctionalInterface
interface HiddenInput {
    /** Shows {@code prompt} and reads one line without echo; the line without its terminator. */
    String read(String prompt);

    /** The terminal's, when the command's stdin and stdout are the process's own and a terminal; else empty. */
    static Optional<HiddenInput> of(CliEnvironment env) {
        Console console = System.console();
        if (console == null || env.in() != System.in || env.out() != System.out) {
            return Optional.empty();
        }
        return Optional.of(prompt -> {
            char[] typed = console.readPassword("%s", prompt);
            if (typed == null) {
                throw CliException.usage("no value was typed (input ended); type it and press Enter, or use"
                        + " NAME=@FILE");
            }
            return new String(typed);
        });
    }
}
