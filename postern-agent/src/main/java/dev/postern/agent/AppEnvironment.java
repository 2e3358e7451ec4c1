package dev.postern.agent;

import dev.postern.agent.tunnel.TunnelSecrets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The app's environment: the agent's filtered one ({@link ChildEnvironment}) with the app's deployed secrets on
 * top (a secret wins over an inherited variable of the same name). The entrypoint starts from it, and so does
 * every session, each reading it anew. Secrets live here, in memory only: nothing writes them to disk.
 */
final class AppEnvironment {
    private final Map<String, String> base;
    private volatile Map<String, String> current;
    private volatile Map<String, String> forSessions;
    private final CountDownLatch firstSecrets = new CountDownLatch(1);
    private volatile Consumer<Map<String, String>> onChange = env -> { };

    AppEnvironment(Map<String, String> base) {
        this.base = Map.copyOf(base);
        this.current = this.base;
        this.forSessions = sessionBase(this.base, Map.of());
    }

    /**
     * What a session starts from: the app's environment without the agent's own inherited connection variables
     * ({@code SSH_*}, {@code TERM}: they describe how the agent was started, not the session, which sets its own),
     * but with every deployed secret, whatever its name (a secret called {@code SSH_PRIVATE_KEY} is the app's).
     */
    static Map<String, String> sessionBase(Map<String, String> inherited, Map<String, String> secrets) {
        Map<String, String> env = new HashMap<>(inherited);
        env.keySet().removeIf(k -> k.startsWith("SSH_") || k.equals("TERM"));
        env.putAll(secrets);
        return Map.copyOf(env);
    }

    /** The environment a session started now begins with (see {@link #sessionBase}). */
    Map<String, String> forSessions() {
        return forSessions;
    }

    /** The environment a process started now gets. */
    Map<String, String> current() {
        return current;
    }

    /** Called with the new environment whenever deployed secrets change it (not for an unchanged re-send). */
    void onChange(Consumer<Map<String, String>> listener) {
        this.onChange = listener;
    }

    /** The tunnel's answer: applies it, and tells the listener when the environment changed. */
    void secrets(TunnelSecrets secrets) {
        Map<String, String> merged = new HashMap<>(base);
        merged.putAll(secrets.values());
        Map<String, String> next = Map.copyOf(merged);
        boolean changed;
        synchronized (this) {
            changed = !next.equals(current);
            current = next;
            forSessions = sessionBase(base, secrets.values());
        }
        firstSecrets.countDown();
        if (changed) {
            onChange.accept(next);
        }
    }

    /** Waits until the tunnel delivered the secrets once, at most {@code limit}; whether they came. */
    boolean awaitSecrets(Duration limit) throws InterruptedException {
        return firstSecrets.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "AppEnvironment[" + current.size() + " variables]";
    }
}
