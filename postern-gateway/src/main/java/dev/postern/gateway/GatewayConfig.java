package dev.postern.gateway;

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
 * @param clock time for certificate validity
 * @param keepAlive interval of keepalive messages to every connection; a machine tunnel silent for three
 *     intervals is closed
 */
public record GatewayConfig(String host, int port, Path hostKeyDir, Optional<Path> hostCertificate,
                            GatewayDirectory directory, Clock clock, Duration keepAlive) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 2222;
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);

    public GatewayConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(hostKeyDir, "hostKeyDir");
        Objects.requireNonNull(hostCertificate, "hostCertificate");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(keepAlive, "keepAlive");
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
    }

    /** 127.0.0.1:2222, no host certificate, keepalive every 15 s. */
    public static GatewayConfig of(GatewayDirectory directory, Path hostKeyDir, Clock clock) {
        return new GatewayConfig(DEFAULT_HOST, DEFAULT_PORT, hostKeyDir, Optional.empty(), directory, clock,
                DEFAULT_KEEPALIVE);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, hostKeyDir, hostCertificate, directory, clock, keepAlive);
    }

    public GatewayConfig withKeepAlive(Duration interval) {
        return new GatewayConfig(host, port, hostKeyDir, hostCertificate, directory, clock, interval);
    }
}
