package dev.postern.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded database's files private. H2 creates them with the process umask (often 0644), and they
 * hold every sealed CA key, token hash and audit record: each file that starts with the database's name is
 * set to 0600 once the store is open.
 */
final class H2Files {
    private static final Logger log = LoggerFactory.getLogger(H2Files.class);
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    private H2Files() {
    }

    /** Sets every file {@code <base>.*} to 0600, naming each one it changed in the log. */
    static void restrict(Path base) {
        Path dir = base.getParent();
        String prefix = base.getFileName() + ".";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> f.getFileName().toString()
                .startsWith(prefix) && Files.isRegularFile(f))) {
            for (Path f : files) {
                Set<PosixFilePermission> was = Files.getPosixFilePermissions(f);
                if (!was.equals(PRIVATE)) {
                    Files.setPosixFilePermissions(f, PRIVATE);
                    log.info("database file {} made private: 0600 (was {})", f, PosixFilePermissions.toString(was));
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new StoreException("cannot make the database files " + base + ".* private (0600): " + e
                    + "; check that this user owns them", e);
        }
    }
}
