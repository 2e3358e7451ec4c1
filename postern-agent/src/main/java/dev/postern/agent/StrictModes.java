package dev.postern.agent;

import dev.postern.agent.session.Accounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * OpenSSH's StrictModes for the files that decide who may log in: the data directory, the trusted user CA file
 * and the revocation list, with the directory each file is in; and for the host certificate, which decides what
 * clients are shown. Checked at start and before every re-read of a replaced file. Whoever may write one of them,
 * or rename files in its directory, may log in as any user, root included, or undo a revocation; so each must
 * belong to root or to the agent's user and be writable by no group and no one else. Example:
 * {@code StrictModes.checkFile(Path.of("/etc/postern/user_ca.pub"), "--trusted-user-ca")}.
 */
final class StrictModes {
    private StrictModes() {
    }

    private static final String LOGINS = "decide who may log in";

    /** Refuses {@code file} (after symlinks) or its directory when another user could change it. */
    static void checkFile(Path file, String option) throws IOException {
        checkFile(file, option, LOGINS);
    }

    /** As {@link #checkFile(Path, String)}, saying what another user could do with the file ({@code risk}). */
    static void checkFile(Path file, String option, String risk) throws IOException {
        Path real = file.toRealPath();
        check(real, option + " " + file, "the file", risk);
        check(real.getParent(), option + " " + file, "its directory " + real.getParent(), risk);
    }

    /** Refuses the directory {@code dir} when another user could create, replace or rename files in it. */
    static void checkDirectory(Path dir, String option) throws IOException {
        check(dir.toRealPath(), option + " " + dir.toRealPath(), "the directory", LOGINS);
    }

    private static void check(Path path, String named, String what, String risk) throws IOException {
        int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int agentUid = Accounts.system().agentUid();
        if (owner != agentUid && owner != 0) {
            throw new IllegalArgumentException(named + ": " + what + " is owned by uid " + owner + ", neither root"
                    + " nor the agent's uid " + agentUid + "; its owner could " + risk + ". Run chown "
                    + agentUid + " " + path);
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalArgumentException(named + ": " + what + " may be written by other users (mode "
                    + PosixFilePermissions.toString(mode) + "); they could " + risk + ". Run chmod go-w "
                    + path);
        }
    }
}
