package dev.postern.cli.connect;

import dev.postern.cli.server.HostPort;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * How to reach one machine: the gateway (pinned host key) and, through it, the {@code direct-tcpip} target
 * whose host certificate must name {@code machineName}.
 *
 * @param gateway where the gateway's SSH server listens
 * @param gatewayHostKey the gateway's own host key, from {@code GET /v1/gateway}
 * @param target what the gateway is asked to connect to; {@code <id>.vm.<app>.internal:22} in production
 * @param machineName the principal the machine's host certificate must carry
 * @param hostCa the org's host CA key, from {@code GET /v1/orgs/{org}/ca}
 * @param revokedHostKeys host keys of removed machines, refused even with a valid certificate
 *     ({@code GET /v1/orgs/{org}/revoked-host-keys})
 */
public record Route(HostPort gateway, PublicKey gatewayHostKey, HostPort target, String machineName, PublicKey hostCa,
                    List<PublicKey> revokedHostKeys) {
    public Route {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(gatewayHostKey, "gatewayHostKey");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(machineName, "machineName");
        Objects.requireNonNull(hostCa, "hostCa");
        revokedHostKeys = List.copyOf(revokedHostKeys);
    }

    /** A route with no revoked host keys. */
    public Route(HostPort gateway, PublicKey gatewayHostKey, HostPort target, String machineName, PublicKey hostCa) {
        this(gateway, gatewayHostKey, target, machineName, hostCa, List.of());
    }

    /** This route refusing {@code revoked} host keys too. */
    public Route withRevokedHostKeys(List<PublicKey> revoked) {
        return new Route(gateway, gatewayHostKey, target, machineName, hostCa, revoked);
    }

    /** The production route: the gateway forwards to the machine's own name on port 22. */
    public static Route toMachine(HostPort gateway, PublicKey gatewayHostKey, String machineName, PublicKey hostCa) {
        return new Route(gateway, gatewayHostKey, new HostPort(machineName, 22), machineName, hostCa);
    }
}
