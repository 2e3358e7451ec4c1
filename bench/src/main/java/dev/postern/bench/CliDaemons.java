package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/** The person's CLI daemon as the bench sees it: its socket under {@code POSTERN_HOME/run} (docs/CLI.md). */
final class CliDaemons {
    private CliDaemons() {
    }

    /** Waits (bounded) for the daemon the launcher started to serve {@code posternHome}'s socket. */
    static void await(Path posternHome, Duration bound) throws IOException {
        Path socket = posternHome.resolve("run/cli.sock");
        long deadline = System.nanoTime() + bound.toNanos();
        while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no CLI daemon came up on " + socket + " within " + bound.toSeconds()
                        + " s (see " + posternHome.resolve("run/daemon.log") + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + socket, e);
            }
        }
    }
}
