package dev.postern.cli.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code $POSTERN_HOME/run}, where the daemon's socket, lock and log live, and the checks both sides make on it: the
 * directory must be the person's own (this process's uid), a real directory (not a link) and mode 0700, so nobody
 * else can put a socket of theirs there or connect to the daemon's; the socket must be a socket the person owns.
 * Nothing here ever changes another user's file or mode. java.base only (the thin client loads this).
 *
 * @param dir the run directory
 */
record RunDir(Path dir) {
    private static final int TYPE_MASK = 0170000;
    private static final int SOCKET = 0140000;
    private static final int DIRECTORY = 0040000;

    /** The run directory for a process whose environment is {@code env} (as CliEnvironment#posternHome finds it). */
    static RunDir of(Map<String, String> env) {
        String home = nonBlank(env.get("POSTERN_HOME"));
        Path postern = home != null ? Path.of(home)
                : Path.of(Optional.ofNullable(nonBlank(env.get("HOME"))).orElse(System.getProperty("user.home")))
                        .resolve(".postern");
        return new RunDir(postern.resolve("run"));
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    Path socket() {
        return dir.resolve("cli.sock");
    }

    Path lock() {
        return dir.resolve("daemon.lock");
    }

    Path log() {
        return dir.resolve("daemon.log");
    }

    /** This process's effective uid: the owner of /proc/self. */
    static int myUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** Why the directory must not be used; empty when it is the person's own, a directory, and 0700. */
    Optional<String> untrustedDir() {
        try {
            Map<String, Object> a = Files.readAttributes(dir, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int uid = (Integer) a.get("uid");
            if ((mode & TYPE_MASK) != DIRECTORY) {
                return Optional.of(dir + " is not a directory");
            }
            if (uid != myUid()) {
                return Optional.of(dir + " belongs to uid " + uid + ", not to this user (uid " + myUid()
                        + "); remove it (as its owner) and let postern make its own");
            }
            if ((mode & 0777) != 0700) {
                return Optional.of(dir + " has mode " + Integer.toOctalString(mode & 0777) + ", not 700; make it"
                        + " 'chmod 700 " + dir + "' or remove it");
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("cannot check " + dir + " (" + e.getMessage() + ")");
        }
    }

    /** Why the socket must not be used; empty when it is a socket of the person's own in a trusted directory. */
    Optional<String> untrustedSocket() {
        Optional<String> d = untrustedDir();
        if (d.isPresent()) {
            return d;
        }
        try {
            Map<String, Object> a = Files.readAttributes(socket(), "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            if (((Integer) a.get("mode") & TYPE_MASK) != SOCKET) {
                return Optional.of(socket() + " is not a socket");
            }
            if ((Integer) a.get("uid") != myUid()) {
                return Optional.of(socket() + " belongs to uid " + a.get("uid") + ", not to this user");
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("cannot check " + socket() + " (" + e.getMessage() + ")");
        }
    }
}
