package dev.postern.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived program to completion with a time bound and measures its wall time. */
final class Proc {
    private Proc() {
    }

    /**
     * The outcome of one run.
     *
     * @param exitCode the exit code
     * @param millis wall time from start to exit
     * @param output stdout and stderr, merged
     */
    record Run(int exitCode, double millis, String output) {
    }

    /** Runs {@code command} with stdin from /dev/null; kills it (and fails) after {@code bound}. */
    static Run run(Duration bound, List<String> command) throws IOException {
        return run(bound, command, java.util.Map.of());
    }

    /** {@link #run(Duration, List)} with {@code env} added to the harness's environment. */
    static Run run(Duration bound, List<String> command, java.util.Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("SSH_AUTH_SOCK"); // the identity is given with -i; no ssh-agent
        long t0 = System.nanoTime();
        Process p = pb.start();
        byte[] out;
        try {
            // output is small (errors only): read it, then wait for exit
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("timed out after " + bound + ": " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        double millis = (System.nanoTime() - t0) / 1e6;
        return new Run(p.exitValue(), millis, new String(out, StandardCharsets.UTF_8));
    }

    /** {@link #run}, failing unless the exit code is 0. */
    static Run check(Duration bound, List<String> command) throws IOException {
        Run r = run(bound, command);
        if (r.exitCode() != 0) {
            throw new IOException("exit " + r.exitCode() + " from " + String.join(" ", command) + ":\n" + r.output());
        }
        return r;
    }
}
