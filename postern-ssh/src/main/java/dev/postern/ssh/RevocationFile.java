package dev.postern.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RevocationList} backed by a KRL file, re-read when the file changes. {@link #get()} is cheap:
 * it looks at the file's size and modification time at most once per {@link #CHECK_INTERVAL} and parses it
 * only when they changed. A file that goes missing, becomes unreadable or garbled after a good read keeps
 * the last good list (and logs once per change), so a half-written update never un-revokes anyone.
 *
 * <pre>{@code
 * Supplier<RevocationList> krl = RevocationFile.required(Path.of("/var/lib/postern/revoked.krl"), clock);
 * }</pre>
 */
public final class RevocationFile implements Supplier<RevocationList> {
    /** How often the file is looked at. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(RevocationFile.class);

    private final Path path;
    private final Clock clock;
    private final Object lock = new Object();
    private volatile RevocationList current;
    private volatile Instant nextCheck;
    private FileTime seenModified;
    private long seenSize = -1;
    private String lastProblem;

    private RevocationFile(Path path, Clock clock, RevocationList initial, FileTime modified, long size) {
        this.path = path;
        this.clock = clock;
        this.current = initial;
        this.seenModified = modified;
        this.seenSize = size;
        this.nextCheck = clock.instant().plus(CHECK_INTERVAL);
    }

    /**
     * Opens a KRL that must exist and parse now.
     *
     * @throws IllegalArgumentException when the file is missing, unreadable or malformed, naming the path
     */
    public static RevocationFile required(Path path, Clock clock) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(clock, "clock");
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            RevocationList list = RevocationList.parse(Files.readAllBytes(path));
            return new RevocationFile(path, clock, list, attrs.lastModifiedTime(), attrs.size());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("revocation list " + path + " does not exist; create it with "
                    + "'ssh-keygen -k -f " + path + "' or make it optional", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read revocation list " + path + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("revocation list " + path + " is not a KRL: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a KRL that may not exist yet: until it appears, nothing is revoked. A file that exists must
     * parse now, as with {@link #required}.
     */
    public static RevocationFile optional(Path path, Clock clock) {
        if (Files.exists(path)) {
            return required(path, clock);
        }
        return new RevocationFile(path, clock, RevocationList.empty(), null, -1);
    }

    public Path path() {
        return path;
    }

    @Override
    public RevocationList get() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return current;
        }
        synchronized (lock) {
            if (now.isBefore(nextCheck)) {
                return current;
            }
            refresh();
            nextCheck = now.plus(CHECK_INTERVAL);
            return current;
        }
    }

    private void refresh() {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            problem("cannot stat revocation list " + path + " (" + e + "); keeping the last good one");
            return;
        }
        if (attrs.lastModifiedTime().equals(seenModified) && attrs.size() == seenSize) {
            return;
        }
        try {
            RevocationList list = RevocationList.parse(Files.readAllBytes(path));
            current = list;
            seenModified = attrs.lastModifiedTime();
            seenSize = attrs.size();
            lastProblem = null;
            LOG.info("revocation list {} loaded: {}", path, list);
        } catch (IOException | UncheckedIOException e) {
            problem("cannot read revocation list " + path + " (" + e + "); keeping the last good one");
        } catch (IllegalArgumentException e) {
            problem("revocation list " + path + " is garbled (" + e.getMessage() + "); keeping the last good one");
        }
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            LOG.warn(message);
            lastProblem = message;
        }
    }
}
