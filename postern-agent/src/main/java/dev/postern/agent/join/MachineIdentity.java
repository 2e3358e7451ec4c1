package dev.postern.agent.join;

import java.util.Objects;

/**
 * What a machine learnt when it joined, kept in {@code <data>/machine.json} so that it restarts without the
 * join token and survives control-plane outages.
 *
 * @param server the control plane's base URL
 * @param name {@code <id>.vm.<app>.internal}
 * @param gateway {@code host:port} of the gateway to dial out to
 * @param gatewayHostKey the gateway's host public key line, pinned
 */
public record MachineIdentity(String server, String machineId, String org, String app, String name, String address,
                              String gateway, String gatewayHostKey) {
    public MachineIdentity {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
    }
}
