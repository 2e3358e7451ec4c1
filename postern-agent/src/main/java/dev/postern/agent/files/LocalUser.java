package dev.postern.agent.files;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One account of this machine as /etc/passwd and /etc/group describe it.
 *
 * @param groups supplementary group ids, including {@code gid}
 */
public record LocalUser(String name, int uid, int gid, Path home, String shell, List<Integer> groups) {
    public LocalUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(shell, "shell");
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid and gid of user " + name + " must not be negative: " + uid + ":" + gid);
        }
        if (!home.isAbsolute()) {
            throw new IllegalArgumentException("home of user " + name + " must be an absolute path: " + home);
        }
        groups = List.copyOf(groups);
    }

    public boolean isRoot() {
        return uid == 0;
    }
}
