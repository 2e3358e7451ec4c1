package dev.postern.agent.session;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the agent looks up users and shells, and whose identity it runs with. {@link #system()} is what
 * production uses; tests point the paths elsewhere to simulate an image without a shell, or pretend to run
 * as a non-root user.
 *
 * @param passwdFile the passwd database, normally /etc/passwd; the group database is its sibling
 *     {@code group}
 * @param fallbackShell the shell used when the user's own is missing, normally /bin/sh
 * @param agentUid the agent's effective uid
 */
public record Accounts(Path passwdFile, Path fallbackShell, int agentUid) {
    public Accounts {
        Objects.requireNonNull(passwdFile, "passwdFile");
        Objects.requireNonNull(fallbackShell, "fallbackShell");
        if (agentUid < 0) {
            throw new IllegalArgumentException("agentUid " + agentUid + " is negative; pass the agent's euid");
        }
    }

    /**
     * The group database next to the passwd file (/etc/group for /etc/passwd), where a session's
     * supplementary groups come from.
     */
    public Path groupFile() {
        Path parent = passwdFile.toAbsolutePath().getParent();
        return parent.resolve("group");
    }

    /** /etc/passwd, /bin/sh and the agent's real effective uid. */
    public static Accounts system() {
        return new Accounts(Path.of("/etc/passwd"), Path.of("/bin/sh"), Libc.C.geteuid());
    }
}
