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
 * @param channelsPerPerson channels one person may have open through the gateway at once, over all their
 *     connections (the per-connection limit alone let one member hold every channel of a machine's tunnel)
 * @param connectionsPerLogin connections one person, or one machine, may hold logged in at once
 */
public record GatewayConfig(String host, int port, Path hostKeyDir, Optional<Path> hostCertificate,
                            GatewayDirectory directory, Clock clock, Duration keepAlive, ServerLimits limits,
                            PreAuthLimits preAuth, Duration tunnelProbeTimeout, int channelsPerPerson,
                            int connectionsPerLogin) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 2222;
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);
    public static final Duration DEFAULT_TUNNEL_PROBE_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_CHANNELS_PER_PERSON = 256;
    public static final int DEFAULT_CONNECTIONS_PER_LOGIN = 256;
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
        if (channelsPerPerson < 1 || channelsPerPerson > GatewayAuthenticator.MACHINE_CHANNELS) {
            throw new IllegalArgumentException("gateway channelsPerPerson is " + channelsPerPerson + "; use 1.."
                    + GatewayAuthenticator.MACHINE_CHANNELS + " (default " + DEFAULT_CHANNELS_PER_PERSON + ")");
        }
        if (connectionsPerLogin < 2 || connectionsPerLogin > 65536) {
            // 2 at least: a machine's agent may dial again before the gateway notices its old connection is gone
            throw new IllegalArgumentException("gateway connectionsPerLogin is " + connectionsPerLogin
                    + "; use 2..65536 (default " + DEFAULT_CONNECTIONS_PER_LOGIN + ")");
        }
    }

    /**
     * 127.0.0.1:2222, no host certificate, keepalive every 15 s, default limits, 3 s tunnel probe, 256 channels per
     * person, 256 connections per person or machine.
     */
    public static GatewayConfig of(GatewayDirectory directory, Path hostKeyDir, Clock clock) {
        return new GatewayConfig(DEFAULT_HOST, DEFAULT_PORT, hostKeyDir, Optional.empty(), directory, clock,
                DEFAULT_KEEPALIVE, DEFAULT_LIMITS, PreAuthLimits.defaults(), DEFAULT_TUNNEL_PROBE_TIMEOUT,
                DEFAULT_CHANNELS_PER_PERSON, DEFAULT_CONNECTIONS_PER_LOGIN);
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                preAuth, tunnelProbeTimeout, channelsPerPerson,
                connectionsPerLogin);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                preAuth, tunnelProbeTimeout, channelsPerPerson,
                connectionsPerLogin);
    }

    public GatewayConfig withKeepAlive(Duration interval) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, interval, limits,
                preAuth, tunnelProbeTimeout, channelsPerPerson,
                connectionsPerLogin);
    }

    public GatewayConfig withLimits(ServerLimits newLimits) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, newLimits,
                preAuth, tunnelProbeTimeout, channelsPerPerson,
                connectionsPerLogin);
    }

    public GatewayConfig withPreAuth(PreAuthLimits newPreAuth) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                newPreAuth, tunnelProbeTimeout, channelsPerPerson,
                connectionsPerLogin);
    }

    public GatewayConfig withTunnelProbeTimeout(Duration timeout) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                preAuth, timeout, channelsPerPerson, connectionsPerLogin);
    }

    public GatewayConfig withChannelsPerPerson(int max) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                preAuth, tunnelProbeTimeout, max, connectionsPerLogin);
    }

    public GatewayConfig withConnectionsPerLogin(int max) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, keepAlive, limits,
                preAuth, tunnelProbeTimeout, channelsPerPerson, max);
    }
}
