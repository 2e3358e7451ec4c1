package dev.postern.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** TCP sockets in LISTEN state that belong to this JVM, as socket inodes (from /proc/net/tcp*, /proc/self/fd). */
final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    static List<Long> ownedByThisProcess() {
        try {
            Set<Long> mine = new HashSet<>();
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                for (Path fd : fds) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            mine.add(Long.parseLong(target.substring(8, target.length() - 1)));
                        }
                    } catch (IOException e) {
                        // fd closed meanwhile
                    }
                }
            }
            List<Long> listening = new ArrayList<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    long inode = Long.parseLong(f[9]);
                    if (LISTEN.equals(f[3]) && mine.contains(inode)) {
                        listening.add(inode);
                    }
                }
            }
            return listening;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
