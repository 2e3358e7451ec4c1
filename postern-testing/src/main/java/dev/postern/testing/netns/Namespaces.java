package dev.postern.testing.netns;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code ip netns} calls of the kit, and the names it gives namespaces: {@code postern-nt-<pid>-<n>-<host>},
 * so a namespace left by a crashed run (its JVM gone) is recognised and removed, and two runs never share one.
 */
final class Namespaces {
    static final String PREFIX = "postern-nt-";
    private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+-.*");
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(20);
    static final Path ETC_NETNS = Path.of("/etc/netns");

    private Namespaces() {
    }

    /** Runs {@code ip ARGS} (or another command) in the root namespace; fails with its output unless it exits 0. */
    static String must(String... command) {
        ProcessResult r = Processes.run(IP_TIMEOUT, List.of(command));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + r);
        }
        return r.stdout();
    }

    static List<String> list() {
        List<String> names = new ArrayList<>();
        for (String line : must("ip", "netns", "list").split("\n")) {
            if (!line.isBlank()) {
                names.add(line.trim().split("\\s+")[0]);
            }
        }
        return names;
    }

    /** Removes the namespaces (and their /etc/netns files) of earlier runs whose JVM no longer exists. */
    static void removeStale() {
        for (String name : list()) {
            Matcher m = OURS.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                delete(name);
            }
        }
        if (Files.isDirectory(ETC_NETNS)) {
            try (Stream<Path> dirs = Files.list(ETC_NETNS)) {
                for (Path d : dirs.toList()) {
                    Matcher m = OURS.matcher(d.getFileName().toString());
                    if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                        deleteTree(d);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Kills what still runs in namespace {@code name} (only processes the kit started live there), deletes it
     * (its links go with it) and its /etc/netns directory.
     */
    static void delete(String name) {
        ProcessResult pids = Processes.run(IP_TIMEOUT, List.of("ip", "netns", "pids", name));
        for (String pid : pids.stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        Processes.run(IP_TIMEOUT, List.of("ip", "netns", "delete", name));
        deleteTree(ETC_NETNS.resolve(name));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
