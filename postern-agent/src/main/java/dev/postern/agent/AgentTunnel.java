package dev.postern.agent;

import java.util.Objects;

/**
 * Tunnel mode: instead of (or as well as) listening, the agent dials out to the gateway and serves the
 * connections it forwards. The values come from joining ({@code machine.json}).
 *
 * @param gatewayHostKeyLine the gateway's host public key line, pinned (never trust on first use)
 * @param onRevocationsChanged runs when the gateway pushes word that the org's revocations changed
 */
public record AgentTunnel(String gatewayHost, int gatewayPort, String machineId, String app,
                          String gatewayHostKeyLine, Runnable onRevocationsChanged) {
    public AgentTunnel {
        Objects.requireNonNull(gatewayHost, "gatewayHost");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(onRevocationsChanged, "onRevocationsChanged");
        if (gatewayHostKeyLine == null || gatewayHostKeyLine.isBlank()) {
            throw new IllegalArgumentException("no gateway host key to pin for machine " + machineId
                    + "; the server runs no gateway (start 'postern server' with --gateway) or the join was incomplete");
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port} as the control plane hands it out. */
    public static AgentTunnel of(String hostPort, String machineId, String app, String gatewayHostKeyLine,
                                 Runnable onRevocationsChanged) {
        if (hostPort == null) {
            throw new IllegalArgumentException("the server gave no gateway address for machine " + machineId
                    + "; start 'postern server' with --gateway ADDR:PORT");
        }
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, Math.max(colon, 0)).replaceAll("^\\[(.*)]$", "$1");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gateway address '" + hostPort + "' is not HOST:PORT", e);
        }
        return new AgentTunnel(host, port, machineId, app, gatewayHostKeyLine, onRevocationsChanged);
    }
}
