package dev.postern.cli.client;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files the CLI keeps for itself under {@code $POSTERN_HOME} (kept keys and certificates, cached facts), written
 * and read the way OpenSSH treats {@code ~/.ssh} under StrictModes: a file is trusted only when it is a regular
 * file (not a link) owned by this user and neither it nor its directory may be written by anyone else. Whoever
 * could write one could make the CLI trust their gateway or host CA, or log in with their key; such a file is
 * ignored (and replaced when the CLI writes it next), never believed.
 *
 * <pre>{@code PrivateFiles.untrusted(file).ifPresent(why -> LOG.debug("ignoring {}: {}", file, why));}</pre>
 */
public final class PrivateFiles {
    /** 0600. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    /** 0644: certificates and public keys. */
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    /** 0700. */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS_WRITE = EnumSet.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.complementOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    private PrivateFiles() {
    }

    /**
     * Why {@code file} must not be believed; empty when it may. {@code secret} files (private keys, cached facts)
     * must also be unreadable by others, as ssh requires of a private key.
     */
    public static Optional<String> untrusted(Path file, boolean secret) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of("not a regular file");
            }
            int me = myUid();
            Optional<String> f = check(file, me, secret ? GROUP_OR_OTHERS : OTHERS_WRITE, "the file");
            Path dir = file.toAbsolutePath().getParent();
            return f.isPresent() ? f : check(dir.toRealPath(), me, OTHERS_WRITE, "its directory " + dir);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("cannot check its owner and mode (" + e.getMessage() + ")");
        }
    }

    /** Creates {@code dir} (0700) when missing; an existing one is left as it is (then {@link #untrusted} judges). */
    public static void createDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        }
    }

    /**
     * Replaces {@code target} atomically with {@code content}: written to a temporary file created 0600 in the
     * same directory, given {@code mode}, then renamed over the target, so the content is never readable by
     * others, not even for a moment, and a reader never sees half a file.
     */
    public static void replace(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".postern", ".tmp", PosixFilePermissions.asFileAttribute(PRIVATE));
        try {
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, mode);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Opens (creating it 0600 when missing) a lock file of this user's, for {@link java.nio.channels.FileChannel#lock}:
     * never through a link. Anything else at that name (a link, a directory, someone else's file, or one of this
     * user's that others may open, 0644 say) is removed first, not followed or opened: in a directory others cannot
     * write only this user (or root) could have put it there. A lock others could open is made anew: whoever opened
     * it once (while its directory could be searched) can hold a read lock on it forever, after any chmod.
     */
    public static FileChannel openLock(Path file) throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !ownRegularFile(file)) {
                Files.delete(file); // unlinks a link itself, never its target
            }
            try {
                return FileChannel.open(file, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (FileAlreadyExistsException e) {
                try {
                    return FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException gone) {
                    // removed or swapped for a link between the two calls (O_NOFOLLOW refuses a link): start again
                    if (attempt >= 3) {
                        throw gone;
                    }
                }
            }
        }
    }

    private static boolean ownRegularFile(Path file) throws IOException {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS) == myUid()
                && PRIVATE.containsAll(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Why files in {@code dir} must not be written or read by name (another user could delete, rename or plant
     * them between a check and an open: a FIFO that blocks the read, a file of theirs that we lock); empty when only
     * this user (or root) can change what it holds.
     */
    public static Optional<String> untrustedDirectory(Path dir) {
        try {
            return check(dir.toRealPath(), myUid(), OTHERS_WRITE, "directory " + dir);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("cannot check its owner and mode (" + e.getMessage() + ")");
        }
    }

    private static Optional<String> check(Path path, int me, Set<PosixFilePermission> forbidden, String what)
            throws IOException {
        int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != me) {
            return Optional.of(what + " is owned by uid " + owner + ", not by this user (uid " + me + ")");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
        loose.addAll(mode);
        loose.retainAll(forbidden);
        return loose.isEmpty() ? Optional.empty() : Optional.of(what + " has mode "
                + PosixFilePermissions.toString(mode) + ", open to other users");
    }

    private static int myUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
