package dev.postern.server;

import dev.postern.common.ServerUrls;
import dev.postern.server.tls.TlsSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Validated settings of a control plane.
 *
 * @param dataDir where the master key, the embedded database and the bootstrap token live
 * @param jdbcUrl null for the embedded H2 database in {@code dataDir}, else a {@code jdbc:postgresql:} URL
 * @param httpHost address the API listens on (loopback by default; 0.0.0.0 only when asked)
 * @param httpPort 0 picks a free port
 * @param masterKeyEnv the value of POSTERN_MASTER_KEY, or null to use {@code <dataDir>/master.key}
 * @param bootstrapEmail e-mail of the first admin, created on first start
 * @param gatewayHost address the SSH gateway listens on (loopback by default)
 * @param gatewayPort 0 picks a free port; -1 runs no gateway
 * @param gatewayAdvertise the {@code host:port} machines and people dial, when it differs from where the gateway
 *     listens (behind NAT, or listening on 0.0.0.0); null to advertise the listening address
 * @param advertise the API URL machines and people use when it differs from where the API listens (NAT, load
 *     balancer, DNS name); printed in login and join lines and named in the self-signed certificate; null for
 *     the listening address
 * @param tls how the API serves TLS; null serves plain HTTP, allowed on loopback only ({@code --insecure-http})
 * @param hostCertValidity how long machines' host certificates last (default 7 days, 5 minutes to 365 days);
 *     agents renew theirs through the tunnel at two thirds of it
 */
public record ControlPlaneConfig(Path dataDir, String jdbcUrl, String httpHost, int httpPort, Clock clock,
                                 String masterKeyEnv, String bootstrapEmail, String gatewayHost, int gatewayPort,
                                 String gatewayAdvertise, String advertise, TlsSettings tls,
                                 Duration hostCertValidity) {
    /** Default e-mail of the first administrator. */
    public static final String DEFAULT_BOOTSTRAP_EMAIL = "admin@localhost";
    /** Default lifetime of a machine's host certificate. */
    public static final Duration DEFAULT_HOST_CERT_VALIDITY = Duration.ofDays(7);

    public ControlPlaneConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(clock, "clock");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("--http port " + httpPort + " is out of range; use 0..65535");
        }
        Objects.requireNonNull(gatewayHost, "gatewayHost");
        if (gatewayAdvertise != null && !gatewayAdvertise.matches("(\\[[0-9a-fA-F:.]+]|[^:\\s\\[\\]]+):\\d{1,5}")) {
            throw new IllegalArgumentException("--gateway-advertise '" + gatewayAdvertise + "' is not HOST:PORT;"
                    + " use e.g. gw.example.com:2222");
        }
        if (gatewayAdvertise == null && (gatewayHost.equals("0.0.0.0") || gatewayHost.equals("::"))) {
            throw new IllegalArgumentException("--gateway " + gatewayHost + " listens everywhere, so machines cannot"
                    + " dial it by that address; add --gateway-advertise HOST:PORT with the address they should use");
        }
        if (gatewayPort < -1 || gatewayPort > 65535) {
            throw new IllegalArgumentException("--gateway port " + gatewayPort + " is out of range; use 0..65535");
        }
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("--db '" + jdbcUrl
                    + "' is not supported; use --db jdbc:postgresql://HOST:5432/DB or omit --db for the embedded H2");
        }
        if (bootstrapEmail == null || bootstrapEmail.isBlank()) {
            bootstrapEmail = DEFAULT_BOOTSTRAP_EMAIL;
        }
        bootstrapEmail = Emails.normalize(bootstrapEmail);
        if (tls == null && !ServerUrls.isLoopback(httpHost)) {
            throw new IllegalArgumentException("--insecure-http serves the API without TLS, so it listens on loopback"
                    + " only, not on " + httpHost + ": tokens and CA keys would cross the network in clear text. Drop"
                    + " --insecure-http (TLS is the default), or use --http 127.0.0.1:PORT behind your own TLS proxy");
        }
        if (advertise != null) {
            try {
                advertise = ServerUrls.normalize(advertise);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replace("--server", "--advertise"), e);
            }
            String scheme = URI.create(advertise).getScheme().toLowerCase(java.util.Locale.ROOT);
            if (tls != null && !scheme.equals("https")) {
                throw new IllegalArgumentException("--advertise " + advertise + " is not https:// but the API serves"
                        + " TLS; use e.g. --advertise https://postern.example.com:7070");
            }
        }
        Objects.requireNonNull(hostCertValidity, "hostCertValidity");
        if (hostCertValidity.compareTo(Duration.ofMinutes(5)) < 0
                || hostCertValidity.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("--host-cert-validity " + hostCertValidity + " is out of range; use 5m"
                    + " to 365d (default 7d)");
        }
    }

    /** Host certificates of the default lifetime. */
    public ControlPlaneConfig(Path dataDir, String jdbcUrl, String httpHost, int httpPort, Clock clock,
                              String masterKeyEnv, String bootstrapEmail, String gatewayHost, int gatewayPort,
                              String gatewayAdvertise, String advertise, TlsSettings tls) {
        this(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail, gatewayHost, gatewayPort,
                gatewayAdvertise, advertise, tls, DEFAULT_HOST_CERT_VALIDITY);
    }

    /** A plane with a gateway advertised as given, serving plain HTTP on loopback (for tests). */
    public ControlPlaneConfig(Path dataDir, String jdbcUrl, String httpHost, int httpPort, Clock clock,
                              String masterKeyEnv, String bootstrapEmail, String gatewayHost, int gatewayPort,
                              String gatewayAdvertise) {
        this(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail, gatewayHost, gatewayPort,
                gatewayAdvertise, null, null, DEFAULT_HOST_CERT_VALIDITY);
    }

    /** The same settings serving TLS as {@code settings} says. */
    public ControlPlaneConfig withTls(TlsSettings settings) {
        return new ControlPlaneConfig(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail,
                gatewayHost, gatewayPort, gatewayAdvertise, advertise, settings, hostCertValidity);
    }

    /** The same settings advertising the API at {@code url}. */
    public ControlPlaneConfig withAdvertise(String url) {
        return new ControlPlaneConfig(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail,
                gatewayHost, gatewayPort, gatewayAdvertise, url, tls, hostCertValidity);
    }

    /** The same settings with machines' host certificates lasting {@code validity}. */
    public ControlPlaneConfig withHostCertValidity(Duration validity) {
        return new ControlPlaneConfig(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail,
                gatewayHost, gatewayPort, gatewayAdvertise, advertise, tls, validity);
    }

    /** A plane whose gateway listens on a free loopback port. */
    public ControlPlaneConfig(Path dataDir, String jdbcUrl, String httpHost, int httpPort, Clock clock,
                              String masterKeyEnv, String bootstrapEmail) {
        this(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail, "127.0.0.1", 0);
    }

    /** A plane that advertises its gateway's listening address. */
    public ControlPlaneConfig(Path dataDir, String jdbcUrl, String httpHost, int httpPort, Clock clock,
                              String masterKeyEnv, String bootstrapEmail, String gatewayHost, int gatewayPort) {
        this(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail, gatewayHost, gatewayPort,
                null);
    }

    /** Loopback defaults for tests: any free ports, embedded H2, plain HTTP. */
    public static ControlPlaneConfig local(Path dataDir, Clock clock) {
        return new ControlPlaneConfig(dataDir, null, "127.0.0.1", 0, clock, null, DEFAULT_BOOTSTRAP_EMAIL);
    }

    @Override
    public String toString() {
        return "ControlPlaneConfig[dataDir=" + dataDir + ", db=" + (jdbcUrl == null ? "embedded H2" : "external")
                + ", http=" + httpHost + ":" + httpPort + (tls == null ? " (plain HTTP)" : " (TLS)") + ", gateway="
                + gatewayHost + ":" + gatewayPort + "]";
    }
}
