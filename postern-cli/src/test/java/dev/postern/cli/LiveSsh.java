package dev.postern.cli;

import static dev.postern.cli.MachineProcesses.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long session of the stock OpenSSH client ({@code ssh -F CONFIG TARGET 'echo started; sleep 60'}), to watch how
 * it ends: within what time, and what it printed on stderr.
 */
final class LiveSsh implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private LiveSsh(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts the session and waits (bounded) until the remote shell says it runs. */
    static LiveSsh start(Path config, String target, Path dir, String name) {
        return start(config, target, dir, name, "echo started; sleep 60");
    }

    /** As {@link #start(Path, String, Path, String)} with a remote command of the test's, which must echo started. */
    static LiveSsh start(Path config, String target, Path dir, String name, String command) {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        try {
            Process p = new ProcessBuilder("ssh", "-F", config.toString(), "-o", "BatchMode=yes", target, command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            LiveSsh live = new LiveSsh(p, out, err);
            awaitTrue(Duration.ofSeconds(30), () -> live.stdout().contains("started") || !p.isAlive(),
                    "ssh session to " + target + " running");
            assertThat(p.isAlive()).as("ssh still running; stderr: " + live.stderr()).isTrue();
            return live;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for ssh to end within {@code limit}; fails otherwise. Returns its stderr. */
    String endsWithin(Duration limit) {
        try {
            boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(ended).as("ssh ended within " + limit + "; stderr so far: " + stderr()).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return stderr();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    static List<String> lines(String text) {
        return text.lines().toList();
    }
}
