package dev.postern.gateway;

import java.util.Objects;

/**
 * A joined machine as the gateway needs to know it.
 *
 * @param org the organization owning the app
 * @param app the app the machine belongs to
 * @param id the machine id, also its login name at the gateway
 */
public record MachineRecord(String org, String app, String id) {
    public MachineRecord {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(id, "id");
        if (!Names.isLabel(app) || !Names.isLabel(id)) {
            throw new IllegalArgumentException("machine " + id + " of app " + app
                    + ": ids and app names must be DNS labels (a-z, 0-9, '-')");
        }
    }

    /** {@code <id>.vm.<app>.internal}: the name it forwards and people connect to. */
    public String hostName() {
        return Names.machineHost(id, app);
    }
}
