package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real {@code postern agent} child processes (tunnel mode) for end-to-end tests, and what they listen on. */
final class MachineProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();

    /**
     * Starts {@code postern agent --server URL --join-token T --data DIR [moreArgs]} as a child JVM; logs go to
     * DIR.log.
     */
    Process start(String server, String joinToken, Path data, String... moreArgs) {
        return start(List.of(), server, joinToken, data, moreArgs);
    }

    /** As {@link #start(String, String, Path, String...)} with {@code jvmOptions} (e.g. a logback configuration). */
    Process start(List<String> jvmOptions, String server, String joinToken, Path data, String... moreArgs) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "agent", "--server", server, "--join-token", joinToken, "--data", data.toString()));
        cmd.addAll(List.of(moreArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile());
        try {
            Process p = pb.start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How long an agent may take to join: a JVM start, a TLS handshake and a key pair; under load (the plane tests run
     * several JVMs on a small VM, in network namespaces) 30 s was once too little. Polled, so a join is seen as soon
     * as it happens: the bound only matters when something is wrong.
     */
    static final Duration JOIN = Duration.ofSeconds(90);

    /** The machine id the agent stored in its data dir once it joined, waiting up to {@link #JOIN}. */
    static String machineId(Path data) {
        awaitTrue(JOIN, () -> Files.exists(data.resolve("machine.json")), "join of " + data);
        try {
            String json = Files.readString(data.resolve("machine.json"));
            return json.replaceAll("(?s).*\"machineId\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inodes of the TCP sockets in LISTEN state on this host (IPv4 and IPv6), from /proc/net. */
    static Set<String> listeningInodes() {
        Set<String> inodes = new HashSet<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                // read once: other processes open and close sockets between two reads (the table grows or shrinks)
                List<String> lines = Files.readAllLines(Path.of(file));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[3].equals("0A")) {
                        inodes.add(f[9]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return inodes;
    }

    /** Inodes of the sockets process {@code pid} holds open. */
    static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException ignored) {
                    // the descriptor closed while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code condition} holds, polling every 100 ms, or fails after {@code limit}. */
    static void awaitTrue(Duration limit, BooleanSupplier condition, String what) {
        Instant end = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited " + limit + " for " + what).isBefore(end);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
