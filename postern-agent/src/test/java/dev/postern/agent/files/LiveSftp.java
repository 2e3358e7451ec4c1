package dev.postern.agent.files;

import dev.postern.agent.AgentFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A stock sftp client kept connected ({@code sftp -b -} reading from a pipe), so that its transfer thread in the
 * agent (which runs in this JVM) can be inspected from outside through {@code /proc/self/task/TID} while it lives.
 * Transfer threads cannot read their own {@code /proc} any more, so this is how tests see their credentials.
 */
final class LiveSftp implements AutoCloseable {
    private final Process process;
    private final OutputStream stdin;
    private final long tid;

    LiveSftp(AgentFixture fx, Path cert, String login, Path local) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sftp"));
        cmd.addAll(fx.clientOptions(login, cert));
        cmd.addAll(List.of("-b", "-", "127.0.0.1"));
        process = new ProcessBuilder(cmd).directory(local.toFile())
                .redirectOutput(local.resolve("live-sftp.out").toFile())
                .redirectError(local.resolve("live-sftp.err").toFile()).start();
        stdin = process.getOutputStream();
        stdin.write("pwd\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        Path out = local.resolve("live-sftp.out");
        // the answer to pwd comes from the transfer thread, once it has become the user
        AgentFixture.await(login + "'s sftp answered pwd", () -> read(out).contains("Remote working directory"));
        // the kernel keeps 15 bytes of a thread's name
        String comm = ("postern-sftp-" + login).substring(0, Math.min(15, 13 + login.length()));
        List<Long> tids = threadsNamed(comm);
        if (tids.size() != 1) {
            throw new AssertionError("expected one live thread named " + comm + ", found " + tids);
        }
        tid = tids.get(0);
    }

    /** The thread id of the transfer thread serving this client. */
    long tid() {
        return tid;
    }

    /** The transfer thread's status, as seen from outside (field name to value). */
    Map<String, String> status() {
        return status(tid);
    }

    /** The mounts of the transfer thread's mount namespace, as seen from outside. */
    List<String> mountinfo() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/task", String.valueOf(tid), "mountinfo"),
                StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stdin.write("bye\n".getBytes(StandardCharsets.UTF_8));
        stdin.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    static List<Long> threadsNamed(String comm) {
        List<Long> found = new ArrayList<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals(comm)) {
                        found.add(Long.parseLong(task.getFileName().toString()));
                    }
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    static Map<String, String> status(long tid) {
        try {
            return Files.readAllLines(Path.of("/proc/self/task", String.valueOf(tid), "status")).stream()
                    .filter(l -> l.contains(":"))
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')),
                            l -> l.substring(l.indexOf(':') + 1).trim(), (a, b) -> a));
        } catch (IOException ended) {
            return Map.of();
        }
    }
}
