package dev.postern.agent;

import dev.postern.agent.session.Accounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A passwd and group file of the test's own, as the agent reads them through {@link Accounts}: root, and
 * alice (uid {@value #ALICE_UID}, not root, member of group "shared" {@value #SHARED_GID}) with a home under
 * the test directory. Alice exists only in these files, not in the machine's /etc/passwd: the agent must
 * not need NSS to switch to her.
 */
public final class TestUsers {
    public static final int ALICE_UID = 4242;
    public static final int SHARED_GID = 4343;

    private TestUsers() {
    }

    /** Creates the files and alice's home under {@code dir}; the agent runs as root with /bin/sh as fallback. */
    public static Accounts withAlice(Path dir) {
        return withAlice(dir, "/bin/sh", "/bin/sh");
    }

    /** As {@link #withAlice(Path)}, with alice's login shell and the agent's fallback shell given. */
    public static Accounts withAlice(Path dir, String aliceShell, String fallbackShell) {
        try {
            // alice must be able to reach her home inside the test's private temp directory
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            Path home = aliceHome(dir);
            Files.createDirectories(home);
            Files.setPosixFilePermissions(dir.resolve("home"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setAttribute(home, "unix:uid", ALICE_UID);
            Files.setAttribute(home, "unix:gid", ALICE_UID);
            Path etc = Files.createDirectories(dir.resolve("etc"));
            Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                    + "alice:x:" + ALICE_UID + ":" + ALICE_UID + ":Alice:" + home + ":" + aliceShell + "\n");
            Files.writeString(etc.resolve("group"), "root:x:0:\nalice:x:" + ALICE_UID + ":\nshared:x:" + SHARED_GID
                    + ":alice\n");
            return new Accounts(etc.resolve("passwd"), Path.of(fallbackShell), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path aliceHome(Path dir) {
        return dir.resolve("home/alice");
    }

    /** The owner uid of {@code file}. */
    public static int owner(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
