package dev.postern.agent;

import dev.postern.agent.session.Entrypoint;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the entrypoint and restarts it when the app's environment changes (a secrets deploy), as a redeploy
 * would: SIGTERM, up to {@code grace} for it to exit, SIGKILL, then the same command with the new environment.
 * The agent's exit status is that of an entrypoint that ended on its own or on a forwarded signal, never of
 * one stopped for a restart.
 */
final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private final List<String> command;
    private final Duration grace;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final ExecutorService restarts = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "postern-entrypoint-restart");
        t.setDaemon(true);
        return t;
    });
    private Entrypoint current; // guarded by this
    private boolean restarting; // guarded by this
    private boolean stopping; // guarded by this

    private Supervisor(List<String> command, Duration grace) {
        this.command = List.copyOf(command);
        this.grace = grace;
    }

    /** Starts the entrypoint with {@code env}'s current environment, and restarts it whenever that changes. */
    static Supervisor start(List<String> command, AppEnvironment env, Duration grace) throws IOException {
        Supervisor s = new Supervisor(command, grace);
        s.launch(env.current());
        env.onChange(next -> s.restartSoon(next));
        return s;
    }

    private synchronized void launch(Map<String, String> env) throws IOException {
        Entrypoint e = Entrypoint.start(command, env);
        current = e;
        e.onExit().thenAccept(code -> exited(e, code));
    }

    private synchronized void exited(Entrypoint e, int code) {
        if (e == current && !restarting) {
            exit.complete(code);
        }
    }

    private void restartSoon(Map<String, String> env) {
        try {
            restarts.execute(() -> restart(env));
        } catch (RejectedExecutionException closed) {
            // the agent is stopping
        }
    }

    private void restart(Map<String, String> env) {
        Entrypoint old;
        synchronized (this) {
            if (stopping || exit.isDone()) {
                return;
            }
            restarting = true;
            old = current;
        }
        LOG.info("the app's secrets changed: restarting the entrypoint (pid {}) with the new environment", old.pid());
        try {
            old.stop(grace);
            int code = old.onExit().join();
            synchronized (this) {
                if (stopping) {
                    restarting = false;
                    exit.complete(code);
                    return;
                }
                try {
                    launch(env);
                    LOG.info("entrypoint restarted (pid {})", current.pid());
                } catch (IOException e) {
                    LOG.error("the entrypoint could not be restarted: {}", e.getMessage());
                    exit.complete(127);
                } finally {
                    restarting = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forwards a signal to the running entrypoint; a SIGTERM or SIGINT also cancels a pending restart. */
    void signal(int signal) {
        Entrypoint e;
        synchronized (this) {
            if (signal == 15 || signal == 2) {
                stopping = true;
            }
            e = current;
        }
        e.signal(signal);
    }

    int pid() {
        synchronized (this) {
            return current.pid();
        }
    }

    /** The agent's exit status: the entrypoint's, once it ended other than for a restart. */
    int await() throws InterruptedException {
        try {
            return exit.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("waiting for the entrypoint failed", e.getCause());
        }
    }

    /** Stops the entrypoint (SIGTERM, SIGKILL after {@code grace}) and any pending restart. */
    void stop(Duration stopGrace) throws InterruptedException {
        Entrypoint e;
        synchronized (this) {
            stopping = true;
            e = current;
        }
        restarts.shutdownNow();
        e.stop(stopGrace);
    }
}
