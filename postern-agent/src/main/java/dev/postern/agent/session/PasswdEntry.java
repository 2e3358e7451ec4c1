package dev.postern.agent.session;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of /etc/passwd ({@code name:x:uid:gid:gecos:home:shell}).
 *
 * @param shell the login shell as written, possibly empty
 */
public record PasswdEntry(String name, int uid, int gid, String home, String shell) {
    public PasswdEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(shell, "shell");
    }

    /** Parses one passwd line; empty for comments, NIS markers and malformed lines, which sshd also skips. */
    static Optional<PasswdEntry> parse(String line) {
        String[] f = line.split(":", -1);
        if (f.length < 7 || f[0].isEmpty() || f[0].startsWith("#") || f[0].startsWith("+") || f[0].startsWith("-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PasswdEntry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5], f[6]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
