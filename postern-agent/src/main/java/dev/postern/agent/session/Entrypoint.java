package dev.postern.agent.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The machine's main program ({@code postern agent ... -- ENTRYPOINT ARGS}), supervised like an init: it
 * shares the agent's stdio and environment, signals are forwarded to it with {@link #signal}, and its exit
 * status becomes the agent's. It runs in its own session, so a terminal's Ctrl-C reaches it only through
 * the agent, once.
 *
 * <pre>{@code
 * try (Entrypoint app = Entrypoint.start(List.of("nginx", "-g", "daemon off;"), System.getenv())) {
 *     System.exit(app.await());
 * }
 * }</pre>
 */
public final class Entrypoint implements AutoCloseable {
    private final ChildProcess child;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private Entrypoint(ChildProcess child) {
        this.child = child;
        Thread waiter = new Thread(() -> {
            child.awaitExit();
            ExitStatus s;
            synchronized (this) { // not while signal() is between its check and its kill
                s = child.waitBlocking(); // exited: reaps without blocking
            }
            exit.complete(s.code());
        }, "postern-entrypoint");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Starts {@code command}; a bare program name is looked up in {@code env}'s PATH. */
    public static Entrypoint start(List<String> command, Map<String, String> env) throws IOException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the entrypoint command is empty; give it after '--'");
        }
        String path = resolve(command.get(0), env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        String cwd = Path.of("").toAbsolutePath().toString();
        return new Entrypoint(Spawner.spawn(new SpawnSpec(path, command, env, cwd, null, true, null)));
    }

    private static String resolve(String program, String searchPath) throws IOException {
        if (program.contains("/")) {
            return program;
        }
        for (String dir : searchPath.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IOException("entrypoint " + program + " not found in PATH " + searchPath
                + "; give its full path after '--'");
    }

    public int pid() {
        return child.pid;
    }

    /**
     * Forwards a signal (e.g. 15 for SIGTERM) to the entrypoint, unless it has already been reaped: until then its
     * pid is its own (a zombie's at worst), so the signal cannot reach a process that got the number since.
     */
    public void signal(int signal) {
        synchronized (this) {
            if (child.status() == null) {
                Libc.C.kill(child.pid, signal);
            }
        }
    }

    /** Completes with the exit status (128 + signal number when killed). */
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    /** Waits for the entrypoint to end and returns its exit status. */
    public int await() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for the entrypoint failed", e.getCause());
        }
    }

    /** Asks the entrypoint to stop (SIGTERM), and kills it if it is still running after {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        signal(Posix.SIGTERM);
        try {
            exit.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            signal(Posix.SIGKILL);
        } catch (ExecutionException e) {
            // already reported by await()
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(10));
    }
}
