package dev.postern.agent.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Looks up local accounts in passwd(5) and group(5) files, read afresh on every lookup so that users added
 * while the agent runs are seen. Example: {@code UserDirectory.system().lookup("app")}.
 *
 * <p>Parsed by hand rather than through getpwnam(3): the agent must not depend on NSS modules, and tests
 * point it at their own files.
 */
public final class UserDirectory {
    private final Path passwd;
    private final Path group;

    public UserDirectory(Path passwd, Path group) {
        this.passwd = Objects.requireNonNull(passwd, "passwd");
        this.group = Objects.requireNonNull(group, "group");
    }

    /** The machine's /etc/passwd and /etc/group. */
    public static UserDirectory system() {
        return new UserDirectory(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** The account called {@code name}, or empty when passwd has no such line. */
    public Optional<LocalUser> lookup(String name) {
        for (String line : lines(passwd)) {
            String[] f = line.split(":", -1);
            if (f.length < 7 || !f[0].equals(name)) {
                continue;
            }
            int uid = number(f[2], line);
            int gid = number(f[3], line);
            String home = f[5].isEmpty() ? "/" : f[5];
            String shell = f[6].isEmpty() ? "/bin/sh" : f[6];
            return Optional.of(new LocalUser(name, uid, gid, Path.of(home), shell, groupsOf(name, gid)));
        }
        return Optional.empty();
    }

    private List<Integer> groupsOf(String name, int primary) {
        Set<Integer> ids = new LinkedHashSet<>();
        ids.add(primary);
        for (String line : lines(group)) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && Arrays.asList(f[3].split(",")).contains(name)) {
                ids.add(number(f[2], line));
            }
        }
        return new ArrayList<>(ids);
    }

    private static int number(String field, String line) {
        try {
            return Integer.parseInt(field);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("bad id '" + field + "' in account line '" + line + "'", e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String toString() {
        return "UserDirectory[" + passwd + ", " + group + "]";
    }
}
