package dev.postern.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good content of a file that an operator, cron or the agent itself replaces while the server runs
 * (trusted CA keys, a KRL, a host certificate), as sshd would have it after a restart, without one.
 * {@link #get()} is cheap: it looks at the file's {@link Stamp} (inode, size, modification and change time) at
 * most once per {@link #CHECK_INTERVAL}, and only when it changed runs the {@link Guard} (e.g. StrictModes) and
 * the {@link Reader}, which parses and validates. A new content replaces the old only when both pass; a file that
 * goes missing, becomes unreadable, garbled, invalid or writable by others keeps the last good content, the
 * problem is logged as one warning line per distinct problem, and the file is tried again at every check until
 * it passes, so a garbled or hostile update never takes effect and its fix does without a restart. Where a cut
 * file can parse ({@link Format#prefixParses()}), a change is read only once it stayed the same for a whole check.
 *
 * <pre>{@code
 * var format = new WatchedFile.Format<>("trusted CA keys", OpenSshKeys::readPublicKeys, k -> k.size() + " key(s)");
 * WatchedFile<List<PublicKey>> cas = WatchedFile.open(format, path, clock, WatchedFile.Guard.NONE);
 * }</pre>
 *
 * @param <T> the parsed content
 */
public final class WatchedFile<T> implements Supplier<T> {
    /** How often the file is looked at. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    /** The largest file read (a KRL revoking a million serials one by one is 8 MiB). */
    public static final long MAX_SIZE = 16L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);

    /**
     * Parses and validates the file; throws {@link IllegalArgumentException} naming the file and the fix for bad
     * content.
     */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path path) throws IOException;
    }

    /**
     * What a watched file holds.
     *
     * @param what for log lines ("host certificate")
     * @param reader parses and validates
     * @param describe a short summary of a good content for the log line on reload (no key material)
     * @param prefixParses whether the first part of a good file can itself parse as a good, smaller content, as a
     *     KRL cut after any section (after its header it is an empty list, un-revoking everyone): a change is then
     *     read only once the file has kept the same {@link Stamp} for a whole check, and taken only when it kept
     *     it during the read, so a file still being written in place is not taken half-way
     */
    public record Format<T>(String what, Reader<T> reader, Function<T, String> describe, boolean prefixParses) {
        public Format {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(reader, "reader");
            Objects.requireNonNull(describe, "describe");
        }

        /** A format no part of whose good content is good content itself (a cut line does not parse). */
        public Format(String what, Reader<T> reader, Function<T, String> describe) {
            this(what, reader, describe, false);
        }
    }

    /**
     * Runs before every read, at start and on each change: throws {@link IllegalArgumentException} naming the
     * fix when the file may not be trusted (say, others may write it).
     */
    @FunctionalInterface
    public interface Guard {
        /** No check beyond the reader's. */
        Guard NONE = path -> { };

        void check(Path path) throws IOException;
    }

    private final Format<T> format;
    private final Path path;
    private final Clock clock;
    private final Guard guard;
    private final Object lock = new Object();
    private volatile T current;
    private volatile Instant nextCheck;
    private Stamp seen;
    private Stamp settling;
    private String lastProblem;

    private WatchedFile(Format<T> format, Path path, Clock clock, Guard guard, T initial, Stamp seen) {
        this.format = format;
        this.path = path;
        this.clock = clock;
        this.guard = guard;
        this.current = initial;
        this.seen = seen;
        this.nextCheck = clock.instant().plus(CHECK_INTERVAL);
    }

    /**
     * Guards and reads the file now; it must exist and be valid.
     *
     * @throws IOException when it is missing or unreadable
     * @throws IllegalArgumentException when the guard or the reader refuse it
     */
    public static <T> WatchedFile<T> open(Format<T> format, Path path, Clock clock, Guard guard) throws IOException {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(guard, "guard");
        // attributes first: a change while reading is seen as a change at the next check, never missed
        Stamp stamp = Stamp.of(path);
        guard.check(path);
        T initial = Objects.requireNonNull(format.reader().read(path), "reader returned null");
        return new WatchedFile<>(format, path, clock, guard, initial, stamp);
    }

    /**
     * A file already guarded, read and checked by the caller: {@code current} until the file changes from
     * {@code stamp}, taken before that read.
     */
    static <T> WatchedFile<T> known(Format<T> format, Path path, Clock clock, Guard guard, T current, Stamp stamp) {
        return new WatchedFile<>(Objects.requireNonNull(format, "format"), Objects.requireNonNull(path, "path"),
                Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(guard, "guard"),
                Objects.requireNonNull(current, "current"), Objects.requireNonNull(stamp, "stamp"));
    }

    /** A file that does not exist yet: {@code initial} until it appears and is valid. */
    public static <T> WatchedFile<T> absent(Format<T> format, Path path, Clock clock, Guard guard, T initial) {
        return new WatchedFile<>(Objects.requireNonNull(format, "format"), Objects.requireNonNull(path, "path"),
                Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(guard, "guard"), initial, null);
    }

    public Path path() {
        return path;
    }

    @Override
    public T get() {
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
        try {
            Stamp stamp = Stamp.of(path);
            // a refused file is tried again at every check: its fix (chmod go-w, chown) changes neither size nor
            // modification time
            if (lastProblem == null && stamp.equals(seen)) {
                return;
            }
            if (format.prefixParses() && !stamp.equals(settling)) {
                // perhaps still being written: read it once it stayed the same for a whole check
                settling = stamp;
                return;
            }
            guard.check(path);
            T read = Objects.requireNonNull(format.reader().read(path), "reader returned null");
            if (format.prefixParses() && !Stamp.of(path).equals(stamp)) {
                // written while read: perhaps only its first part was
                settling = null;
                return;
            }
            current = read;
            seen = stamp;
            lastProblem = null;
            LOG.info("{} {} reloaded: {}", format.what(), path, format.describe().apply(read));
        } catch (IOException | UncheckedIOException e) {
            problem("cannot reload the " + format.what() + " " + path + " (" + e + "); keeping the last good one"
                    + " until it can be read");
        } catch (RuntimeException e) {
            // the guard's and the reader's messages name the file and the fix
            problem("not reloaded: " + e.getMessage() + "; keeping the last good " + format.what());
        }
    }

    /**
     * What tells one version of a file from the next without reading it. Size and modification time alone are not
     * enough: {@code cp -p}, {@code rsync -t}, {@code tar x} or {@code touch -d} give a new content the old
     * modification time, and a KRL revoking serial 6 instead of 5 has the old size, so the revocation would never
     * be seen. A rename gives a new inode, and every write, chmod or {@code touch} sets the change time, which
     * no one but root can set back.
     *
     * @param fileKey device and inode (null where the file system has none)
     * @param changed ctime (null where the file system does not tell it)
     */
    record Stamp(Object fileKey, long size, FileTime modified, FileTime changed) {
        /**
         * The stamp of the file {@code path} names now, after symbolic links.
         *
         * @throws IllegalArgumentException when it is not a regular file of at most {@link #MAX_SIZE} bytes: a FIFO
         *     would block every login behind the read, a device or a huge file would fill the memory
         */
        static Stamp of(Path path) throws IOException {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                throw new IllegalArgumentException(path + " is not a regular file; point the option at the file"
                        + " itself (a FIFO or a device is not read)");
            }
            if (attrs.size() > MAX_SIZE) {
                throw new IllegalArgumentException(path + " holds " + attrs.size() + " bytes, more than the "
                        + MAX_SIZE + " read; point the option at the right file");
            }
            FileTime changed = null;
            if (path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
                changed = (FileTime) Files.getAttribute(path, "unix:ctime");
            }
            return new Stamp(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime(), changed);
        }
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            LOG.warn(message);
            lastProblem = message;
        }
    }
}
