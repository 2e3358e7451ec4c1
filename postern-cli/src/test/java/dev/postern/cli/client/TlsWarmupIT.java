package dev.postern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CountingRelay;
import dev.postern.cli.ExitCodes;
import dev.postern.cli.Main;
import dev.postern.common.tls.Fingerprint;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS handshake a client command makes ahead ({@link TlsWarmup}), against a server someone swaps in front of the
 * pinned one: whichever of the warm-up and the request lands on a server with another key, the token goes to the
 * pinned server or nowhere. A relay in front sends each connection where the test says (the warm-up is the first).
 */
class TlsWarmupIT {
    private static final String TOKEN = "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    private static final String PASS = "changeit";
    private static final String[] LIST = {"machines", "list", "--app", "web"};

    @TempDir
    static Path dir;
    static SSLContext realTls;
    static Fingerprint realPin;
    static SSLContext impostorTls;
    static Fingerprint impostorPin;

    @TempDir
    Path home;

    @BeforeAll
    static void keys() throws Exception {
        realTls = serverTls("real");
        realPin = pin("real");
        impostorTls = serverTls("impostor");
        impostorPin = pin("impostor");
    }

    @Test
    void theFirstHandshakeIsMadeAheadAndTheRequestGoesToThePinnedServer() throws Exception {
        try (RecordingServer real = RecordingServer.https(realTls);
                CountingRelay relay = CountingRelay.switching(List.of(real.url()))) {
            Run run = list(relay);
            assertThat(run.exit).as(run.err).isZero();
            assertThat(run.out).contains("No machines in app web");
            // the warm-up's connection (a handshake, no request) and the request's own
            assertThat(relay.connections()).isEqualTo(2);
            assertThat(real.requests()).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/v1/orgs/acme/apps/web/machines");
                assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN);
            });
        }
    }

    @Test
    void aWarmupThatLandsOnAnotherKeyGivesItNothingAndTheRequestStillWorks() throws Exception {
        try (RecordingServer real = RecordingServer.https(realTls);
                RecordingServer impostor = RecordingServer.https(impostorTls);
                CountingRelay relay = CountingRelay.switching(List.of(impostor.url(), real.url()))) {
            Run run = list(relay);
            assertThat(run.exit).as(run.err).isZero();
            assertThat(impostor.requests()).isEmpty();
            assertThat(real.requests()).singleElement().satisfies(r -> assertThat(r.authorization())
                    .isEqualTo("Bearer " + TOKEN));
        }
    }

    @Test
    void aRequestThatLandsOnAnotherKeyAfterAGoodWarmupIsRefusedBeforeTheToken() throws Exception {
        // the warm-up's session with the pinned server must not let the request skip the key check elsewhere
        try (RecordingServer real = RecordingServer.https(realTls);
                RecordingServer impostor = RecordingServer.https(impostorTls);
                CountingRelay relay = CountingRelay.switching(List.of(real.url(), impostor.url()))) {
            Run run = list(relay);
            assertThat(run.exit).as(run.out).isEqualTo(ExitCodes.AUTH);
            assertThat(run.err).contains("presented TLS key " + impostorPin).contains(realPin + " is pinned")
                    .contains("Nothing was sent").doesNotContain(TOKEN);
            assertThat(relay.connections()).isEqualTo(2);
            assertThat(impostor.requests()).isEmpty();
            assertThat(real.requests()).as("the warm-up sends no request").isEmpty();
        }
    }

    @Test
    void aServerThatStallsTheHandshakeEndsTheRequestAtItsDeadline() throws Exception {
        try (Staller staller = new Staller()) {
            writeContext("https://127.0.0.1:" + staller.port());
            TlsWarmup warmup = TlsWarmup.start(env(new ByteArrayOutputStream(), new ByteArrayOutputStream()), LIST);
            BlockingHttp http = new BlockingHttp(warmup.forServer("https://127.0.0.1:" + staller.port(),
                    java.util.Optional.of(realPin)).orElseThrow(), Duration.ofSeconds(3), Duration.ofSeconds(1), 1024);
            assertThatThrownBy(() -> http.send("GET", URI.create("https://127.0.0.1:" + staller.port() + "/v1/orgs"),
                    Map.of("Authorization", "Bearer " + TOKEN), null))
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("did not end in time");
            assertWarmupGone();
            assertThat(staller.received()).doesNotContain(TOKEN);
        }
    }

    @Test
    void aCommandThatAsksNothingEndsItsWarmup() throws Exception {
        // a usage error: no request; the warm-up, stuck in a handshake nobody answers, is ended as the command ends
        try (Staller staller = new Staller()) {
            writeContext("https://127.0.0.1:" + staller.port());
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = Main.run(env(new ByteArrayOutputStream(), err), "machines", "list", "--bogus");
            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCodes.USAGE);
            assertWarmupGone();
        }
    }

    @Test
    void aPlainHttpContextIsNotWarmedUp() throws Exception {
        try (RecordingServer plain = RecordingServer.http();
                CountingRelay relay = CountingRelay.switching(List.of(plain.url()))) {
            writeContext(relay.url());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(Main.run(env(out, err), LIST)).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(relay.connections()).isEqualTo(1);
        }
    }

    @Test
    void theWarmupReadsTheContextTheCommandSelects() throws Exception {
        SavedContext a = new SavedContext("a", "https://a.example:7443", "a@example.com", TOKEN, null, realPin.value());
        SavedContext b = new SavedContext("b", "https://b.example:7443", "a@example.com", TOKEN, "acme",
                impostorPin.value());
        SavedContext plain = new SavedContext("c", "https://c.example", "a@example.com", TOKEN, null);
        ConfigFile file = new ConfigFile(home.resolve(".postern"));
        file.write(new SavedContexts("a", List.of(a, b, plain)));
        byte[] json = file.readTrusted();
        assertThat(TlsWarmup.serverAndPin(json, java.util.Optional.empty())).hasValueSatisfying(v ->
                assertThat(v).containsExactly("https://a.example:7443", realPin.value()));
        assertThat(TlsWarmup.serverAndPin(json, java.util.Optional.of("b"))).hasValueSatisfying(v ->
                assertThat(v).containsExactly("https://b.example:7443", impostorPin.value()));
        assertThat(TlsWarmup.serverAndPin(json, java.util.Optional.of("c"))).isEmpty();
        assertThat(TlsWarmup.serverAndPin(json, java.util.Optional.of("nope"))).isEmpty();
    }

    /** No warm-up thread is left (bounded wait: it ends once its socket is closed). */
    private static void assertWarmupGone() throws InterruptedException {
        for (int i = 0; i < 100 && warmupThread() != null; i++) {
            Thread.sleep(50);
        }
        assertThat(warmupThread()).as("the warm-up thread").isNull();
    }

    private static Thread warmupThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("postern-tls-warmup") && t.isAlive()).findFirst().orElse(null);
    }

    private record Run(int exit, String out, String err) {
    }

    private Run list(CountingRelay relay) {
        writeContext(relay.url());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(env(out, err), LIST);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void writeContext(String server) {
        SavedContext context = new SavedContext("ctx", server, "a@example.com", TOKEN, "acme", realPin.value());
        new ConfigFile(home.resolve(".postern")).write(new SavedContexts("ctx", List.of(context)));
    }

    private CliEnvironment env(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return new CliEnvironment(Map.of("HOME", home.toString(), "POSTERN_HOME", home.resolve(".postern").toString()),
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    private static SSLContext serverTls(String name) throws Exception {
        KeyStore keys = store(name);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASS.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }

    private static Fingerprint pin(String name) throws Exception {
        return Fingerprint.of((X509Certificate) store(name).getCertificate(name));
    }

    private static KeyStore store(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        if (!Files.exists(store)) {
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            ProcessResult made = Processes.run(Duration.ofSeconds(60), List.of(keytool, "-genkeypair", "-alias", name,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASS));
            assertThat(made.exitCode()).as(made.toString()).isZero();
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASS.toCharArray());
        }
        return keys;
    }

    /** Accepts connections, reads what comes, and never answers (a TLS server that stalls the handshake). */
    private static final class Staller implements AutoCloseable {
        private final ServerSocket server;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        Staller() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        open.add(s);
                        Thread reader = new Thread(() -> {
                            try (InputStream in = s.getInputStream()) {
                                byte[] buf = new byte[4096];
                                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                                    synchronized (received) {
                                        received.write(buf, 0, n);
                                    }
                                }
                            } catch (IOException ignored) {
                                // closed
                            }
                        }, "staller-read");
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "staller-accept");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return server.getLocalPort();
        }

        String received() {
            synchronized (received) {
                return received.toString(StandardCharsets.ISO_8859_1);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
