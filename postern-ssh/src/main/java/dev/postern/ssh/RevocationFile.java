package dev.postern.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A {@link RevocationList} backed by a KRL file, re-read when the file changes (see {@link WatchedFile}: the
 * file's stamp is looked at most once per {@link #CHECK_INTERVAL}, and it is parsed only once it changed and then
 * stayed the same for a whole check, since a KRL cut after any section is a valid, shorter list). A file that goes
 * missing, becomes unreadable, garbled or refused by the guard after a good read keeps the last good list (and
 * logs once per change), so a half-written update never un-revokes anyone.
 *
 * <pre>{@code
 * Supplier<RevocationList> krl = RevocationFile.required(Path.of("/var/lib/postern/revoked.krl"), clock);
 * }</pre>
 */
public final class RevocationFile implements Supplier<RevocationList> {
    /** How often the file is looked at. */
    public static final Duration CHECK_INTERVAL = WatchedFile.CHECK_INTERVAL;
    private static final WatchedFile.Format<RevocationList> FORMAT = new WatchedFile.Format<>("revocation list",
            RevocationFile::read, RevocationList::toString, true);

    private final WatchedFile<RevocationList> file;

    private RevocationFile(WatchedFile<RevocationList> file) {
        this.file = file;
    }

    /**
     * Opens a KRL that must exist and parse now.
     *
     * @throws IllegalArgumentException when the file is missing, unreadable or malformed, naming the path
     */
    public static RevocationFile required(Path path, Clock clock) {
        return required(path, clock, WatchedFile.Guard.NONE);
    }

    /**
     * As {@link #required(Path, Clock)}, with {@code guard} (e.g. StrictModes) run at start and before every
     * re-read.
     */
    public static RevocationFile required(Path path, Clock clock, WatchedFile.Guard guard) {
        try {
            return new RevocationFile(WatchedFile.open(FORMAT, path, clock, guard));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("revocation list " + path + " does not exist; create it with "
                    + "'ssh-keygen -k -f " + path + "' or make it optional", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read revocation list " + path + ": " + e, e);
        }
    }

    private static RevocationList read(Path path) throws IOException {
        try {
            return RevocationList.parse(Files.readAllBytes(path));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("revocation list " + path + " is not a KRL: " + e.getMessage()
                    + "; write it with 'ssh-keygen -k'", e);
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
        return new RevocationFile(WatchedFile.absent(FORMAT, path, clock, WatchedFile.Guard.NONE,
                RevocationList.empty()));
    }

    public Path path() {
        return file.path();
    }

    @Override
    public RevocationList get() {
        return file.get();
    }
}
