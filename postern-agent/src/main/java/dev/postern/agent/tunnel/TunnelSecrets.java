package dev.postern.agent.tunnel;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The app's deployed secrets as the gateway handed them over the tunnel. Kept in memory only; {@link #toString()}
 * shows names, never values.
 *
 * @param version the deployed version (0: the app has none deployed)
 */
public record TunnelSecrets(long version, Map<String, String> values) {
    public TunnelSecrets {
        Objects.requireNonNull(values, "values");
        values = Map.copyOf(values);
    }

    @Override
    public String toString() {
        return "TunnelSecrets[v" + version + ", names " + new TreeMap<>(values).keySet() + "]";
    }
}
