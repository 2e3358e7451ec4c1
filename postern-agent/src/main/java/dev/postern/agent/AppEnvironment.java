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
    private final CountDownLatch firstSecrets = new CountDownLatch(1);
    private volatile Consumer<Map<String, String>> onChange = env -> { };

    AppEnvironment(Map<String, String> base) {
        this.base = Map.copyOf(base);
        this.current = this.base;
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
