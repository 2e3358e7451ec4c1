package dev.postern.gateway;

import dev.postern.ssh.PreAuthLimits;
import dev.postern.ssh.ServerLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a {@link Gateway}.
 *
 * <pre>{@code
 * var config = GatewayConfig.of(directory, dataDir.resolve("gateway"), Clock.systemUTC()).withPort(0);
 * }</pre>
 *
 * @param host address to listen on (default 127.0.0.1)
 * @param port TCP port; 0 picks a free one (tests)
 * @param hostKeyDir where the gateway's Ed25519 host key lives (created on first start)
 * @param hostCertificate optional host certificate for that key, presented to clients
 * @param directory the control plane's view of orgs, machines and members
 * @param clock time for certificate validity and the failed-login window
 * @param keepAlive interval of keepalive messages to every connection; a machine tunnel silent for three
 *     intervals is closed
 * @param limits per-connection limits (auth attempts, channels, auth timeout, idle timeout of people)
 * @param preAuth limits on connections not logged in yet, per source address and in total
 * @param tunnelProbeTimeout how long a machine's live tunnel has to answer a keepalive when a second tunnel
 *     claims the same machine; no answer in time and the newcomer replaces it. Keep it below three of the
 *     agents' keepalive intervals (15 s): nothing from the newcomer is read until its forward request is
 *     answered, so its own keepalives go unanswered meanwhile.
 */
public record GatewayConfig(String host, int port, Path hostKeyDir, Optional<Path> hostCertificate,
                            GatewayDirectory directory, Clock clock, Duration keepAlive, ServerLimits limits,
                            PreAuthLimits preAuth, Duration tunnelProbeTimeout) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 2222;
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);
    public static final Duration DEFAULT_TUNNEL_PROBE_TIMEOUT = Duration.ofSeconds(3);
    /** {@link ServerLimits#defaults()} but people's connections may idle for an hour. */
    public static final ServerLimits DEFAULT_LIMITS = new ServerLimits(ServerLimits.defaults().maxAuthRequests(),
            ServerLimits.defaults().maxChannelsPerConnection(), ServerLimits.defaults().authTimeout(),
            Duration.ofHours(1));

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(hostKeyDir, "hostKeyDir");
        Objects.requireNonNull(hostCertificate, "hostCertificate");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(preAuth, "preAuth");
        Objects.requireNonNull(tunnelProbeTimeout, "tunnelProbeTimeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("gateway host is blank; use e.g. " + DEFAULT_HOST);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gateway port is " + port + "; use 1..65535, or 0 for any free port");
        }
        if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0 || keepAlive.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("gateway keepAlive is " + keepAlive
                    + "; use 1s..10m (default " + DEFAULT_KEEPALIVE + ")");
        }
        if (tunnelProbeTimeout.compareTo(Duration.ofMillis(100)) < 0
                || tunnelProbeTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("gateway tunnelProbeTimeout is " + tunnelProbeTimeout
                    + "; use 100ms..30s (default " + DEFAULT_TUNNEL_PROBE_TIMEOUT + ")");
        }
    }

    /** 127.0.0.1:2222, no host certificate, keepalive every 15 s, default limits, 3 s tunnel probe. */
    public static GatewayConfig of(GatewayDirectory directory, Path hostKeyDir, Clock clock) {
        return new GatewayConfig(DEFAULT_HOST, DEFAULT_PORT, hostKeyDir, Optional.empty(), directory, clock,
                DEFAULT_KEEPALIVE, DEFAULT_LIMITS, PreAuthLimits.defaults(), DEFAULT_TUNNEL_PROBE_TIMEOUT);
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                preAuth, tunnelProbeTimeout);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                preAuth, tunnelProbeTimeout);
    }

    public GatewayConfig withKeepAlive(Duration interval) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, interval, limits,
                preAuth, tunnelProbeTimeout);
    }

    public GatewayConfig withLimits(ServerLimits newLimits) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, newLimits,
                preAuth, tunnelProbeTimeout);
    }

    public GatewayConfig withPreAuth(PreAuthLimits newPreAuth) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                newPreAuth, tunnelProbeTimeout);
    }

    public GatewayConfig withTunnelProbeTimeout(Duration timeout) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                preAuth, timeout);
    }
}
