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
 * and the revocation list, with the directories and symbolic links on the way to each; and for the host
 * certificate, which decides what clients are shown. Checked at start and before every re-read of a replaced
 * file. Whoever may write one of them, or rename files in a directory on the way, may log in as any user, root
 * included, or undo a revocation; so each must belong to root or to the agent's user and be writable by no group
 * and no one else. Example:
 * {@code StrictModes.checkFile(Path.of("/etc/postern/user_ca.pub"), "--trusted-user-ca")}.
 */
final class StrictModes {
    private StrictModes() {
    }

    private static final String LOGINS = "decide who may log in";

    /**
     * Refuses {@code file} when another user could change what it names: the file, its directory, every
     * directory above them and every symbolic link on the way (and the directories those are in) must belong to
     * root or the agent's user and be writable by no one else, as sshd's {@code secure_filename} walks up to
     * {@code /}. A directory above the file's own may be writable by others when it has the sticky bit and
     * belongs to root ({@code /tmp}): others may not rename or remove what is in it.
     */
    static void checkFile(Path file, String option) throws IOException {
        checkFile(file, option, LOGINS);
    }

    /** As {@link #checkFile(Path, String)}, saying what another user could do with the file ({@code risk}). */
    static void checkFile(Path file, String option, String risk) throws IOException {
        Path real = file.toRealPath();
        check(real, option + " " + file, "the file", risk);
        check(real.getParent(), option + " " + file, "its directory " + real.getParent(), risk);
        resolve(file.toAbsolutePath(), option + " " + file, risk, 0);
    }

    /**
     * Refuses the directory {@code dir} when another user could create, replace or rename files in it, or rename
     * it or a directory above it (checked as for {@link #checkFile}).
     */
    static void checkDirectory(Path dir, String option) throws IOException {
        Path real = dir.toRealPath();
        check(real, option + " " + real, "the directory", LOGINS);
        resolve(dir.toAbsolutePath(), option + " " + real, LOGINS, 0);
    }

    /**
     * Walks {@code path} as the kernel resolves it, checking each directory and symbolic link it passes (a link
     * somewhere else than in the file's real directory, or a directory above it, lets its directory's writers
     * point the option at another file); returns the real path.
     */
    private static Path resolve(Path path, String named, String risk, int links) throws IOException {
        Path at = path.getRoot();
        checkAbove(at, named, risk);
        for (Path name : path) {
            if (name.toString().equals("..")) {
                at = at.getParent() == null ? at : at.getParent();
                continue;
            }
            Path next = at.resolve(name);
            if (!Files.isSymbolicLink(next)) {
                if (Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                    checkAbove(next, named, risk);
                }
                at = next;
                continue;
            }
            // whoever owns the link may point it elsewhere; its directory was checked as `at`
            checkOwner(next, named, "the symbolic link " + next, risk);
            if (links >= MAX_LINKS) {
                throw new IllegalArgumentException(named + ": more than " + MAX_LINKS + " symbolic links on its"
                        + " path; point it at the file itself");
            }
            at = resolve(at.resolve(Files.readSymbolicLink(next)), named, risk, links + 1);
        }
        return at;
    }

    private static final int MAX_LINKS = 40;

    /** A directory on the way: checked as the file's own one, but a sticky directory of root's may be shared. */
    private static void checkAbove(Path dir, String named, String risk) throws IOException {
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if ((mode & STICKY) != 0 && owner == 0) {
            return;
        }
        check(dir, named, "the directory " + dir + " on its path", risk);
    }

    private static final int STICKY = 01000;

    private static void check(Path path, String named, String what, String risk) throws IOException {
        checkOwner(path, named, what, risk);
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalArgumentException(named + ": " + what + " may be written by other users (mode "
                    + PosixFilePermissions.toString(mode) + "); they could " + risk + ". Run chmod go-w "
                    + path);
        }
    }

    private static void checkOwner(Path path, String named, String what, String risk) throws IOException {
        int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int agentUid = Accounts.system().agentUid();
        if (owner != agentUid && owner != 0) {
            throw new IllegalArgumentException(named + ": " + what + " is owned by uid " + owner + ", neither root"
                    + " nor the agent's uid " + agentUid + "; its owner could " + risk + ". Run chown "
                    + agentUid + " " + path);
        }
    }
}
