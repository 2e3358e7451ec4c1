package dev.postern.cli.ssh;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The one file a transfer is writing under a temporary name. It becomes the final name only through
 * {@link #commit}; an error ({@link #discard}) or Ctrl-C (the JVM's shutdown hook, {@link #interrupt}) removes it,
 * so no half-written file ever sits under the name the user asked for. Both sides lock, so a Ctrl-C that arrives
 * during the rename sees either the finished file or the temporary one, never both.
 */
final class PartialFile {
    /** Removes or renames the temporary file; either may fail with the path in its message. */
    interface Step {
        void run() throws IOException;
    }

    private Step discard;
    private boolean interrupted;

    /** Starts tracking a temporary file, removed by {@code discard} unless committed. */
    synchronized void begin(Step discard) throws InterruptedIOException {
        if (interrupted) {
            quietly(discard);
            throw new InterruptedIOException("interrupted");
        }
        this.discard = discard;
    }

    /** Renames the temporary file to its final name, unless Ctrl-C came first. */
    synchronized void commit(Step rename) throws IOException {
        if (interrupted) {
            throw new InterruptedIOException("interrupted");
        }
        discard = null;
        rename.run();
    }

    /** Removes the temporary file after an error; the error itself is the caller's to report. */
    synchronized void discard() {
        Step d = discard;
        discard = null;
        if (d != null) {
            quietly(d);
        }
    }

    /** Ctrl-C: removes the temporary file and refuses every later commit. */
    synchronized void interrupt() {
        interrupted = true;
        discard();
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            // the transfer already failed or is being interrupted; that is what the user hears about
        }
    }
}
