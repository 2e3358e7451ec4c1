package dev.postern.cli.ssh;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Two files of one directory written together (an ssh_config and its known_hosts): both are written to
 * temporary files first and only then renamed into place, so a failure leaves either the old pair or, at
 * worst when the second rename fails, the new config with the old known_hosts; never a half-written file.
 * Both must be directly in {@code dir}: a name that climbs out of it is refused.
 */
record FilePair(Path dir, Path first, String firstText, Path second, String secondText) {
    void write() {
        for (Path p : new Path[] {first, second}) {
            if (!p.toAbsolutePath().normalize().getParent().equals(dir.toAbsolutePath().normalize())) {
                throw new CliException(ExitCodes.FAILURE, "refusing to write " + p + ": it is not directly in " + dir);
            }
        }
        Path tmp1 = null;
        Path tmp2 = null;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            tmp1 = temp(firstText);
            tmp2 = temp(secondText);
            move(tmp1, first);
            move(tmp2, second);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot write " + first + " and " + second + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp1);
            deleteQuietly(tmp2);
        }
    }

    private Path temp(String content) throws IOException {
        Path tmp = Files.createTempFile(dir, ".postern", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        return tmp;
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover .tmp file is harmless and named as ours
            }
        }
    }
}
