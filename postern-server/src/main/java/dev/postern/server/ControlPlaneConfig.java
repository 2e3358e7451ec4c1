package dev.postern.server;

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
 * @param hostCertValidity how long machines' host certificates last (default 7 days, 5 minutes to 365 days);
 *     agents renew theirs through the tunnel at two thirds of it
 */
public record ControlPlaneConfig(Path dataDir, String jdbcUrl, String httpHost, int httpPort, Clock clock,
                                 String masterKeyEnv, String bootstrapEmail, String gatewayHost, int gatewayPort,
                                 String gatewayAdvertise, Duration hostCertValidity) {
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
        Objects.requireNonNull(hostCertValidity, "hostCertValidity");
        if (hostCertValidity.compareTo(Duration.ofMinutes(5)) < 0 || hostCertValidity.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("--host-cert-validity " + hostCertValidity + " is out of range; use 5m"
                    + " to 365d (default 7d)");
        }
    }

    /** Host certificates of the default lifetime. */
    public ControlPlaneConfig(Path dataDir, String jdbcUrl, String httpHost, int httpPort, Clock clock,
                              String masterKeyEnv, String bootstrapEmail, String gatewayHost, int gatewayPort,
                              String gatewayAdvertise) {
        this(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail, gatewayHost, gatewayPort,
                gatewayAdvertise, DEFAULT_HOST_CERT_VALIDITY);
    }

    /** The same settings with machines' host certificates lasting {@code validity}. */
    public ControlPlaneConfig withHostCertValidity(Duration validity) {
        return new ControlPlaneConfig(dataDir, jdbcUrl, httpHost, httpPort, clock, masterKeyEnv, bootstrapEmail,
                gatewayHost, gatewayPort, gatewayAdvertise, validity);
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

    /** Loopback defaults for tests: any free ports, embedded H2. */
    public static ControlPlaneConfig local(Path dataDir, Clock clock) {
        return new ControlPlaneConfig(dataDir, null, "127.0.0.1", 0, clock, null, DEFAULT_BOOTSTRAP_EMAIL);
    }

    @Override
    public String toString() {
        return "ControlPlaneConfig[dataDir=" + dataDir + ", db=" + (jdbcUrl == null ? "embedded H2" : "external")
                + ", http=" + httpHost + ":" + httpPort + ", gateway=" + gatewayHost + ":" + gatewayPort + "]";
    }
}
