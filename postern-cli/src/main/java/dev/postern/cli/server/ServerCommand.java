package dev.postern.cli.server;

import dev.postern.cli.CliException;
import dev.postern.cli.Output;
import dev.postern.server.AdminTokens;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.server.tls.SelfSignedCertificate;
import dev.postern.server.tls.TlsSettings;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code postern server}: runs the control plane until interrupted. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Run the control plane: HTTP API and the organizations' SSH certificate authorities.",
                "State lives in an embedded H2 database in --data, or in PostgreSQL with --db."})
public final class ServerCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ~/.postern/server)")
    Path data;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "PostgreSQL URL, e.g. jdbc:postgresql://127.0.0.1:5432/postern?user=postern"
                    + " (default: embedded H2 in --data)")
    String db;

    @Option(names = "--http", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:7070",
            description = "Where the API listens (default: ${DEFAULT-VALUE}; use 0.0.0.0:PORT only on purpose)")
    String http;

    @Option(names = "--gateway", paramLabel = "ADDR:PORT|off", defaultValue = "127.0.0.1:2222",
            description = "Where the SSH gateway listens for machine tunnels and people (default: ${DEFAULT-VALUE};"
                    + " 'off' runs none)")
    String gateway;

    @Option(names = "--gateway-advertise", paramLabel = "HOST:PORT",
            description = "The gateway address machines and people dial, when it differs from --gateway (NAT, 0.0.0.0)")
    String gatewayAdvertise;

    @Option(names = "--advertise", paramLabel = "URL",
            description = "The API URL machines and people use when it differs from --http (NAT, load balancer, DNS"
                    + " name), e.g. https://postern.example.com:7070; printed in login and join lines and named in the"
                    + " self-signed certificate")
    String advertise;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain to serve (e.g. an ACME client's fullchain.pem), re-read when it"
                    + " changes; default: a self-signed certificate kept in --data/tls")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key for --tls-cert (e.g. privkey.pem)")
    Path tlsKey;

    @Option(names = "--insecure-http",
            description = "Serve the API over plain HTTP; allowed only when --http is a loopback address (behind your"
                    + " own TLS proxy on the same host)")
    boolean insecureHttp;

    @Option(names = "--bootstrap-email", paramLabel = "EMAIL", defaultValue = ControlPlaneConfig.DEFAULT_BOOTSTRAP_EMAIL,
            description = "E-mail of the first admin, created on first start (default: ${DEFAULT-VALUE})")
    String bootstrapEmail;

    @Option(names = "--host-cert-validity", paramLabel = "DURATION", defaultValue = "7d",
            description = "How long machines' host certificates last, e.g. 12h or 7d (5m..365d; default ${DEFAULT-VALUE});"
                    + " agents renew theirs through the tunnel at two thirds of it")
    String hostCertValidity;

    private final Path home;
    private final String masterKeyEnv;
    private final PrintStream out;

    /** For picocli: reads POSTERN_HOME and POSTERN_MASTER_KEY from the environment. */
    public ServerCommand() {
        this(defaultHome(), System.getenv("POSTERN_MASTER_KEY"), System.out);
    }

    public ServerCommand(Path posternHome, String masterKeyEnv, PrintStream out) {
        this.home = posternHome;
        this.masterKeyEnv = masterKeyEnv;
        this.out = out;
    }

    /** {@code <number><m|h|d>}, quoting the bad value otherwise. */
    static java.time.Duration duration(String option, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,6})([mhd])").matcher(
                text == null ? "" : text.trim());
        if (!m.matches()) {
            throw dev.postern.cli.CliException.usage(option + " '" + text + "' is not a duration; write a whole number and a"
                    + " unit: 30m, 12h, 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
    }

    @Override
    public Integer call() throws InterruptedException {
        HostPort listen = HostPort.parse("--http", http);
        Path dataDir = data != null ? data : home.resolve("server");
        boolean noGateway = "off".equalsIgnoreCase(gateway.trim());
        HostPort gw = noGateway ? new HostPort("127.0.0.1", -1) : HostPort.parse("--gateway", gateway, "127.0.0.1:2222");
        if (insecureHttp && (tlsCert != null || tlsKey != null)) {
            throw CliException.usage("--insecure-http and --tls-cert/--tls-key contradict each other; drop one");
        }
        ControlPlaneConfig config;
        try {
            TlsSettings tls = insecureHttp ? null
                    : tlsCert == null && tlsKey == null ? TlsSettings.selfSigned()
                    : new TlsSettings(abs(tlsCert), abs(tlsKey), TlsSettings.DEFAULT_RELOAD);
            config = new ControlPlaneConfig(dataDir.toAbsolutePath(), db, listen.host(), listen.port(),
                    Clock.systemUTC(), masterKeyEnv, bootstrapEmail, gw.host(), gw.port(), gatewayAdvertise, advertise,
                    tls).withHostCertValidity(duration("--host-cert-validity", hostCertValidity));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        ControlPlane plane;
        try {
            plane = ControlPlane.start(config);
        } catch (IllegalArgumentException e) {
            // the TLS files named on the command line: nothing was started
            throw CliException.usage(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            plane.close();
            stopped.countDown();
        }, "postern-server-shutdown"));
        out.println("Postern server listening on " + plane.baseUrl()
                + (plane.advertisedUrl().equals(plane.baseUrl()) ? "" : " (advertised as " + plane.advertisedUrl() + ")"));
        if (advertise == null && (listen.host().equals("0.0.0.0") || listen.host().equals("::"))) {
            out.println("Listening on all addresses: the lines below name " + plane.baseUrl() + "; pass --advertise"
                    + " https://NAME:" + URI.create(plane.baseUrl()).getPort() + " with the address others reach");
        }
        String pin = plane.fingerprint().map(f -> " --fingerprint " + f).orElse("");
        plane.fingerprint().ifPresent(f -> out.println("TLS key fingerprint: " + f + " (certificate "
                + plane.tlsFiles().get(0) + "); clients pin it with --fingerprint"));
        plane.gatewayAddress().ifPresent(a -> out.println("SSH gateway on " + a));
        out.println("Data: " + config.dataDir() + (db == null ? " (embedded H2)" : " (database " + redact(db) + ")"));
        plane.bootstrapToken().ifPresent(token -> {
            out.println();
            out.println("First start: created admin " + config.bootstrapEmail() + ". One-time bootstrap token (also in "
                    + config.dataDir().resolve("bootstrap-token") + "):");
            out.println("  " + token);
            out.println("Log in with:");
            out.println("  postern auth login --server " + plane.advertisedUrl() + " --token " + token + pin);
        });
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    @Command(name = "admin-token", mixinStandardHelpOptions = true,
            description = {"Recovery, on the server host: print a fresh one-time login token for the server admin "
                    + "(or --email), recorded in the audit log. Needs the data dir and the master key.",
                "Works while the server runs: with PostgreSQL the token is stored at once; with the embedded H2 it "
                    + "waits, sealed, in the data dir until its login (valid "
                    + "1 hour; a newer one replaces it)."})
    int adminToken(@Option(names = "--data", paramLabel = "DIR",
                           description = "the server's data directory (default: ~/.postern/server)") Path dir,
                   @Option(names = "--db", paramLabel = "JDBC_URL", description = "the server's --db, if it has one")
                   String url,
                   @Option(names = "--email", paramLabel = "E",
                           description = "whose login (default: the server admin)") String email,
                   @Option(names = "--server", paramLabel = "URL", defaultValue = "https://127.0.0.1:7070",
                           description = "the server's URL, for the printed login line (default: ${DEFAULT-VALUE})")
                   String server) {
        Path dataDir = (dir != null ? dir : home.resolve("server")).toAbsolutePath();
        AdminTokens.Issued issued;
        try {
            issued = AdminTokens.issue(dataDir, url, masterKeyEnv, email, Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        String who = issued.email() == null ? "the server admin" : issued.email();
        out.println("One-time login token for " + who + " (works once, until " + Output.time(issued.expiresAt())
                + (issued.pending() ? "; the server records it in the audit log at its login" : "; recorded in the"
                        + " audit log") + "):");
        out.println("  postern auth login --server " + server + " --token " + issued.token()
                + SelfSignedCertificate.fingerprintIn(dataDir).map(f -> " --fingerprint " + f).orElse(""));
        out.flush();
        return 0;
    }

    private static Path abs(Path p) {
        return p == null ? null : p.toAbsolutePath();
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static Path defaultHome() {
        String env = System.getenv("POSTERN_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".postern");
    }
}
