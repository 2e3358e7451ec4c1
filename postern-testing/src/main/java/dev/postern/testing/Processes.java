package dev.postern.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs real external programs (ssh, ssh-keygen, sftp, rsync, sshd, the postern launcher) in tests. */
public final class Processes {
    private Processes() {
    }

    /** Runs {@code command} with no stdin, bounded by {@code timeout}; kills it and fails when it overruns. */
    public static ProcessResult run(Duration timeout, List<String> command) {
        return run(timeout, command, null, Map.of(), null);
    }

    /**
     * Runs {@code command} in {@code dir} (null: inherit) with extra environment, feeding {@code stdin}
     * (null: closed at once).
     */
    public static ProcessResult run(Duration timeout, List<String> command, byte[] stdin, Map<String, String> env,
                                    Path dir) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // the program may exit without reading its input
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // a server under test in this JVM may be what hangs: its threads say where, before the kill
                ThreadDump.toStandardError("command did not finish within " + timeout + ": " + command);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("command did not finish within " + timeout + ": " + command);
            }
            return new ProcessResult(p.exitValue(), text(out), text(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (in) {
                in.transferTo(buf);
            } catch (IOException ignored) {
                // stream closed when the process was killed
            }
            return buf.toByteArray();
        });
    }

    private static String text(CompletableFuture<byte[]> f) {
        return new String(f.join(), StandardCharsets.UTF_8);
    }
}
