package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;

/**
 * Lines typed at an interactive prompt, with JLine's line editing and a history file. On a terminal it is
 * the system terminal (restored on close); otherwise (a pipe, a test) a dumb terminal over the environment's
 * streams. Ctrl-C at the prompt clears the line; during a command it calls the command's interrupt.
 */
final class ShellLines implements AutoCloseable {
    private final Terminal terminal;
    private final LineReader reader;
    private final PrintStream out;
    private volatile Runnable onInterrupt = () -> { };

    private ShellLines(Terminal terminal, LineReader reader, PrintStream out) {
        this.terminal = terminal;
        this.reader = reader;
        this.out = out;
    }

    static ShellLines open(CliEnvironment env, Path historyFile) throws IOException {
        boolean tty = env.in() == System.in && env.out() == System.out && System.console() != null;
        Terminal terminal = tty
                // the exec provider (stty) restores the terminal exactly, as in InteractiveShell
                ? TerminalBuilder.builder().system(true).provider("exec").nativeSignals(true).dumb(true).build()
                // built directly: JLine 3.29's builder over streams answers end of input to the first readLine
                : new DumbTerminal("postern", Terminal.TYPE_DUMB, env.in(), env.out(), StandardCharsets.UTF_8);
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        if (prepareHistory(historyFile)) {
            builder.variable(LineReader.HISTORY_FILE, historyFile).variable(LineReader.HISTORY_SIZE, 1000);
        }
        ShellLines lines = new ShellLines(terminal, builder.build(),
                tty ? new PrintStream(terminal.output(), true, StandardCharsets.UTF_8) : env.out());
        terminal.handle(Terminal.Signal.INT, s -> lines.onInterrupt.run());
        return lines;
    }

    /** The history holds paths the user typed: private to them, like ~/.bash_history. False if it cannot be. */
    private static boolean prepareHistory(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The next line, "" after Ctrl-C at the prompt, null at end of input (Ctrl-D). */
    String read(String prompt, Runnable interruptCommand) {
        onInterrupt = () -> { };
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException e) {
            return "";
        } catch (EndOfFileException e) {
            return null;
        } finally {
            onInterrupt = interruptCommand;
        }
    }

    PrintStream out() {
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            // history is a convenience; losing it must not fail the session
        }
        terminal.close();
    }
}
