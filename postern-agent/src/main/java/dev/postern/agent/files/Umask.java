package dev.postern.agent.files;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The file mode creation mask of file transfers, as OpenSSH's sftp-server and scp apply the session's umask:
 * a file or directory is created with the mode the client asked for (0666 for a file and 0777 for a directory
 * when it asked for none) less these bits. A later chmod by the client (SETSTAT, {@code put -p},
 * {@code scp -p}) is the user's choice and is not masked. Example: {@code new Umask(022).apply(0666) == 0644}.
 *
 * @param bits the permission bits to clear, 0 to 0777
 */
record Umask(int bits) {
    /** OpenSSH's default when the machine configures nothing else. */
    static final Umask DEFAULT = new Umask(0022);

    Umask {
        if (bits < 0 || bits > 0777) {
            throw new IllegalArgumentException("umask " + Integer.toOctalString(bits)
                    + " is out of range; use an octal mode from 000 to 777, e.g. 022");
        }
    }

    /** {@code mode} less the mask. */
    int apply(int mode) {
        return mode & 0777 & ~bits;
    }

    /**
     * The attribute to create a file or directory with: {@code requested} (or {@code defaultMode} when the client
     * asked for none) less the mask.
     */
    FileAttribute<Set<PosixFilePermission>> creationMode(Set<PosixFilePermission> requested, int defaultMode) {
        int mode = requested == null ? defaultMode : toMode(requested);
        return PosixFilePermissions.asFileAttribute(fromMode(apply(mode)));
    }

    static int toMode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal()); // OWNER_READ is 0400 ... OTHERS_EXECUTE is 01
        }
        return mode;
    }

    static Set<PosixFilePermission> fromMode(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                set.add(p);
            }
        }
        return set;
    }

    @Override
    public String toString() {
        return String.format("%03o", bits);
    }
}
