package dev.postern.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running child process the harness started (agent, control plane, sshd), its output in a log file.
 * {@link #close} ends it and everything it forked, so a run leaves nothing behind.
 */
final class Child implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final long startNanos;

    private Child(String name, Process process, Path log, long startNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
    }

    /** Starts {@code command} with stdout and stderr appended to {@code log}; stdin is closed. */
    static Child start(String name, List<String> command, Path log, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("SSH_AUTH_SOCK");
        pb.environment().putAll(extraEnv);
        long t0 = System.nanoTime();
        Process p = pb.start();
        return new Child(name, p, log, t0);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code port} on 127.0.0.1 accepts a connection and sends an SSH identification line (when
     * {@code ssh}) or just accepts (otherwise); returns the time from exec to then.
     *
     * @throws IOException when the child exits first or {@code bound} passes; the message names the log
     */
    Duration awaitReady(int port, boolean ssh, Duration bound) throws IOException {
        long deadline = startNanos + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it listened; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                if (ssh) {
                    s.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    String line = readLine(s.getInputStream());
                    if (!line.startsWith("SSH-")) {
                        throw new IOException(name + " sent " + line + " instead of an SSH identification");
                    }
                }
                return Duration.ofNanos(System.nanoTime() - startNanos);
            } catch (java.net.ConnectException | java.net.SocketTimeoutException e) {
                // not listening yet, or a connect that took over 200 ms on a loaded machine: try again
                sleepMillis(1); // polling is the measurement here: 1 ms resolution
            }
        }
        throw new IOException(name + " did not listen on 127.0.0.1:" + port + " within " + bound + "; see " + log);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            int c = in.read();
            if (c < 0 || c == '\n') {
                break;
            }
            sb.append((char) c);
        }
        return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).strip();
    }

    static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGTERM to the child, SIGKILL after 5 s, then SIGKILL to whatever it forked that is still alive. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            // an agent started by the launcher may write its class-data-sharing archive and, with --jfr, its
            // recording when it exits: 5 s was too short for both, and the recording was lost to SIGKILL
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + "[pid " + pid() + "]";
    }
}
