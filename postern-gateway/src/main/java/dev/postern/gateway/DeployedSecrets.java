package dev.postern.gateway;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The secrets an app's machines run with: the deployed version and its values. Values leave the control plane
 * only inside a machine's tunnel (see {@link SecretsRequestHandler}); {@link #toString()} shows names only.
 *
 * @param version the deployed version, 0 when the app never deployed any
 * @param values  environment variable name to value
 */
public record DeployedSecrets(long version, Map<String, String> values) {
    /** No secrets (an app that never deployed any, or a control plane that keeps none). */
    public static final DeployedSecrets NONE = new DeployedSecrets(0, Map.of());

    public DeployedSecrets {
        Objects.requireNonNull(values, "values");
        values = Map.copyOf(values);
    }

    @Override
    public String toString() {
        return "DeployedSecrets[v" + version + ", names " + new TreeMap<>(values).keySet() + "]";
    }
}
