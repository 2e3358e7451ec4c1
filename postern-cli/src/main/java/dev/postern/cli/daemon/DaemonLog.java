package dev.postern.cli.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * {@code run/daemon.log}: one line per start, request and stop, mode 0600. It names commands by their first two
 * words only (never options, values or the environment, which may hold tokens). Started afresh when it has grown past
 * {@link #MAX_BYTES}.
 */
final class DaemonLog implements AutoCloseable {
    static final long MAX_BYTES = 1 << 20;
    private final PrintStream out;
    private final Clock clock;

    private DaemonLog(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /** Opens (or makes, 0600) {@code file}, which must be a regular file of this user's when it exists. */
    static DaemonLog open(Path file, Clock clock) throws IOException {
        boolean fresh = true;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    || (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS) != RunDir.myUid()) {
                throw new IOException(file + " is not a regular file of this user's; remove it");
            }
            fresh = Files.size(file) > MAX_BYTES;
        }
        OutputStream os;
        if (fresh) {
            Files.deleteIfExists(file);
            os = Files.newOutputStream(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))), StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        } else {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            os = Files.newOutputStream(file, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        }
        return new DaemonLog(new PrintStream(os, true, StandardCharsets.UTF_8), clock);
    }

    /** The stream the JVM's own stray output goes to (System.out and System.err). */
    PrintStream stream() {
        return out;
    }

    synchronized void log(String line) {
        out.println(clock.instant().truncatedTo(ChronoUnit.MILLIS) + " " + line);
    }

    @Override
    public void close() {
        out.close();
    }
}
