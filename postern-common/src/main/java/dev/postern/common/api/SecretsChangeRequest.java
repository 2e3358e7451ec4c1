package dev.postern.common.api;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Body of {@code POST /v1/orgs/{org}/apps/{app}/secrets}: names to set (with their values) and names to unset,
 * as one new version. {@code stage} keeps it from being deployed. {@link #toString()} never shows a value.
 */
public record SecretsChangeRequest(Map<String, String> set, List<String> unset, boolean stage) {
    public SecretsChangeRequest {
        set = set == null ? Map.of() : new TreeMap<>(set);
        unset = unset == null ? List.of() : List.copyOf(unset);
    }

    @Override
    public String toString() {
        return "SecretsChangeRequest[set " + set.keySet() + ", unset " + unset + ", stage " + stage + "]";
    }
}
