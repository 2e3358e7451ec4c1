package dev.postern.cli.ssh;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.client.Printable;

/**
 * Checks the names a machine sends in a directory listing before they become local paths: a hostile SFTP server
 * may answer {@code ../../.ssh/authorized_keys} or {@code a/b} for an entry, which {@code Path.resolve} would
 * happily take outside the directory being copied into.
 */
final class RemoteNames {
    private RemoteNames() {
    }

    /** True for the entries every listing has and a copy skips. */
    static boolean isSelfOrParent(String name) {
        return name.equals(".") || name.equals("..");
    }

    /** Refuses a name that is not a single path element; {@code dir} is the remote directory it was listed in. */
    static String check(String dir, String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new CliException(ExitCodes.FAILURE, "the machine listed an entry named '" + Printable.escape(name)
                    + "' in " + Printable.escape(dir) + "; refusing to copy it (a name must be one path element, "
                    + "without '/' and not '..'); nothing more of this tree was copied");
        }
        return name;
    }
}
