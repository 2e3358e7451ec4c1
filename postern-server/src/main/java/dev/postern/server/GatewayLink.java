package dev.postern.server;

import dev.postern.gateway.Gateway;
import dev.postern.gateway.GatewayConfig;
import dev.postern.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The control plane's SSH gateway, if it runs one, and the hooks the API calls when CA keys or revocations
 * change so that the gateway stops trusting revoked certificates within seconds (live sessions included).
 */
final class GatewayLink implements AutoCloseable, LifecycleRoutes.Hooks {
    private final Optional<Gateway> gateway;
    private final StoreGatewayDirectory directory;
    private final String advertise;

    private GatewayLink(Optional<Gateway> gateway, StoreGatewayDirectory directory, String advertise) {
        this.gateway = gateway;
        this.directory = directory;
        this.advertise = advertise;
    }

    static GatewayLink start(ControlPlaneConfig config, Store store, Clock clock, HostCertRenewal renewal,
                             AppSecrets secrets) {
        StoreGatewayDirectory directory = new StoreGatewayDirectory(store, clock, renewal, secrets);
        if (config.gatewayPort() < 0) {
            return new GatewayLink(Optional.empty(), directory, null);
        }
        // this process holds no tunnels yet: online flags left by a gateway that died are stale
        store.machines().setAllOffline(clock.instant());
        Path keys = config.dataDir().resolve("gateway");
        ControlPlane.createPrivateDir(keys);
        GatewayConfig gc = GatewayConfig.of(directory, keys, clock).withHost(config.gatewayHost())
                .withPort(config.gatewayPort());
        return new GatewayLink(Optional.of(Gateway.start(gc)), directory, config.gatewayAdvertise());
    }

    /** The gateway this plane runs, if any. */
    Optional<Gateway> gateway() {
        return gateway;
    }

    /** Where machines dial and people jump through; null when this plane runs no gateway. */
    GatewayEndpoint endpoint() {
        return gateway.map(g -> new GatewayEndpoint(advertise != null ? advertise : hostPort(g), g.hostKeyLine()))
                .orElse(null);
    }

    /**
     * After {@code org}'s CA was replaced: drops the cached CA keys and revocation lists, closes live sessions of
     * certificates signed by the retired user CA (the org's KRL now revokes that key), and tells the org's
     * machines to fetch the new CA key and KRL.
     */
    void authoritiesChanged(String org) {
        directory.authoritiesChanged();
        gateway.ifPresent(g -> g.revocationsChanged(org));
    }

    void revocationsChanged(String org) {
        directory.revocationsChanged(org);
        directory.accessChanged(org); // member removal also drops grants
        gateway.ifPresent(g -> g.revocationsChanged(org));
    }

    /** After {@code app}'s secrets were deployed: tells its machines, which then ask for them through the tunnel. */
    void secretsChanged(String org, String app) {
        gateway.ifPresent(g -> g.secretsChanged(org, app));
    }

    /** After a grant changed in {@code org}: drops the cached grants and ends connections no longer allowed. */
    int accessChanged(String org) {
        directory.accessChanged(org);
        return gateway.map(g -> g.accessChanged(org)).orElse(0);
    }

    @Override
    public void machineRemoved(String org, String machineId) {
        directory.revocationsChanged(org);
        gateway.ifPresent(g -> {
            g.machineRemoved(machineId, "machine " + machineId + " was removed from its app");
            g.revocationsChanged(org); // agents fetch the KRL that now revokes its host key
        });
    }

    @Override
    public void orgDeleted(String org) {
        directory.authoritiesChanged();
        gateway.ifPresent(g -> g.endOrg(org, "org " + org + " was deleted"));
    }

    private static String hostPort(Gateway g) {
        String host = g.address().getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + g.port();
    }

    @Override
    public void close() {
        gateway.ifPresent(Gateway::close);
    }
}
