package dev.postern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.common.tls.ClientTls;
import dev.postern.common.tls.Fingerprint;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's API client against servers an attacker runs or sits in front of: a redirect elsewhere, a system proxy,
 * an answer without end, a key other than the pinned one, a self-signed certificate without a pin, a certificate
 * for another name. The bearer token reaches no server but the one meant, and no request leaves a thread in
 * native code behind (HotSpot's exit would wait for it).
 */
class ApiClientIT {
    private static final String TOKEN = "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    private static final String PASS = "changeit";

    @TempDir
    static Path dir;
    static SSLContext serverTls;
    static Fingerprint serverPin;
    /** Trusts the server's self-signed certificate as a CA would: by chain and name (for localhost only). */
    static SSLContext trustingClient;

    @BeforeAll
    static void certificate() throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        ProcessResult made = Processes.run(Duration.ofSeconds(60), List.of(keytool, "-genkeypair", "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASS));
        assertThat(made.exitCode()).as(made.toString()).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASS.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASS.toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        X509Certificate cert = (X509Certificate) keys.getCertificate("server");
        serverPin = Fingerprint.of(cert);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        trustingClient = SSLContext.getInstance("TLS");
        trustingClient.init(null, tmf.getTrustManagers(), null);
    }

    @Test
    void aRedirectIsAnErrorAndTheTokenNeverReachesItsTarget() {
        try (RecordingServer elsewhere = RecordingServer.http(); RecordingServer plane = RecordingServer.http()) {
            for (int status : List.of(301, 302, 303, 307, 308)) {
                plane.answer(x -> {
                    x.getResponseHeaders().set("Location", elsewhere.url() + "/v1/orgs");
                    RecordingServer.send(x, status, "");
                });
                ApiClient api = new ApiClient(plane.url(), TOKEN);
                ApiException get = catchThrowableOfType(() -> api.get("/v1/orgs", String.class), ApiException.class);
                assertThat(get.getMessage()).isEqualTo("the server at " + plane.url() + " answered HTTP " + status);
                ApiException post = catchThrowableOfType(() -> api.post("/v1/orgs", Map.of("name", "acme"),
                        String.class), ApiException.class);
                assertThat(post).as("POST, %d", status).isNotNull();
            }
            assertThat(plane.requests()).hasSize(10).allSatisfy(r -> assertThat(r.authorization())
                    .isEqualTo("Bearer " + TOKEN));
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void aProxyConfiguredForTheJvmNeverSeesTheToken() {
        // a ProxySelector of our own: the JDK's default one never proxies loopback, whatever the system properties say
        List<URI> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProxySelector before = ProxySelector.getDefault();
        try (RecordingServer proxy = RecordingServer.http(); RecordingServer plane = RecordingServer.http()) {
            Proxy to = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", URI.create(proxy.url()).getPort()));
            ProxySelector.setDefault(new ProxySelector() {
                @Override
                public List<Proxy> select(URI uri) {
                    asked.add(uri);
                    return List.of(to);
                }

                @Override
                public void connectFailed(URI uri, SocketAddress sa, java.io.IOException e) {
                }
            });
            assertThat(new ApiClient(plane.url(), TOKEN).get("/v1/orgs", String[].class)).isEmpty();
            assertThat(plane.requests()).hasSize(1);
            assertThat(proxy.requests()).isEmpty();
            assertThat(asked).isEmpty();
        } finally {
            ProxySelector.setDefault(before);
        }
    }

    @Test
    void theServersReasonForA401OrA4xxReachesThePersonForEveryMethod() {
        try (RecordingServer plane = RecordingServer.http()) {
            ApiClient api = new ApiClient(plane.url(), TOKEN);
            plane.answer(x -> RecordingServer.send(x, 401, "{\"error\":\"this token was revoked\"}"));
            for (Runnable call : List.<Runnable>of(() -> api.get("/v1/orgs", String[].class),
                    () -> api.post("/v1/orgs", Map.of("name", "acme"), Void.class), () -> api.delete("/v1/orgs/acme"))) {
                CliException e = catchThrowableOfType(call::run, CliException.class);
                assertThat(e.exitCode()).isEqualTo(ExitCodes.AUTH);
                assertThat(e.getMessage()).startsWith("this token was revoked; log in again with 'postern auth login");
            }
            plane.answer(x -> RecordingServer.send(x, 409, "{\"error\":\"org acme exists\"}"));
            assertThatThrownBy(() -> api.post("/v1/orgs", Map.of("name", "acme"), Void.class))
                    .hasMessage("org acme exists");
        }
    }

    @Test
    void anAnswerOrErrorLongerThanTheLimitIsRefusedWithOrWithoutALength() throws Exception {
        String big = "x".repeat(2048);
        BlockingHttp http = new BlockingHttp(Optional.empty(), Duration.ofSeconds(3), Duration.ofSeconds(30), 1024);
        try (RecordingServer plane = RecordingServer.http()) {
            URI uri = URI.create(plane.url() + "/v1/orgs");
            for (int status : List.of(200, 500)) {
                plane.answer(x -> RecordingServer.send(x, status, big));
                assertThatThrownBy(() -> http.send("GET", uri, Map.of(), null))
                        .as("with a length, %d", status).isInstanceOf(BoundedBody.TooLarge.class);
                plane.answer(x -> {
                    x.sendResponseHeaders(status, 0); // chunked: no length to refuse early by
                    try (OutputStream out = x.getResponseBody()) {
                        for (int i = 0; i < 64; i++) {
                            out.write(big.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        }
                    } catch (java.io.IOException closedByTheClient) {
                        // expected: the client stops reading
                    }
                });
                assertThatThrownBy(() -> http.send("GET", uri, Map.of(), null))
                        .as("chunked, %d", status).isInstanceOf(BoundedBody.TooLarge.class);
            }
            plane.answer(x -> RecordingServer.send(x, 200, big.substring(1024)));
            assertThat(http.send("GET", uri, Map.of(), null).body()).hasSize(1024);
        }
    }

    @Test
    void aWrongPinIsRefusedBeforeTheRequestIsSent() throws Exception {
        Fingerprint wrong = Fingerprint.of(KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic());
        try (RecordingServer plane = RecordingServer.https(serverTls)) {
            CliException e = catchThrowableOfType(() -> new ApiClient(plane.url(), TOKEN, Optional.of(wrong))
                    .get("/v1/orgs", String[].class), CliException.class);
            assertThat(e.exitCode()).isEqualTo(ExitCodes.AUTH);
            assertThat(e.getMessage()).contains("presented TLS key " + serverPin).contains(wrong + " is pinned")
                    .contains("Nothing was sent").contains("postern auth pin --fingerprint NEW").doesNotContain(TOKEN);
            assertThat(plane.requests()).isEmpty();

            // the right pin: the same server (by address: a pin makes the name moot) gets the request and the token
            assertThat(new ApiClient(plane.url(), TOKEN, Optional.of(serverPin)).get("/v1/orgs", String[].class))
                    .isEmpty();
            assertThat(plane.requests()).containsExactly(new RecordingServer.Request("GET", "/v1/orgs",
                    "Bearer " + TOKEN));
        }
    }

    @Test
    void withoutAPinASelfSignedCertificateIsRefusedBeforeTheRequestIsSent() {
        try (RecordingServer plane = RecordingServer.https(serverTls)) {
            CliException e = catchThrowableOfType(() -> new ApiClient(plane.url("localhost"), TOKEN)
                    .get("/v1/orgs", String[].class), CliException.class);
            assertThat(e.exitCode()).isEqualTo(ExitCodes.AUTH);
            assertThat(e.getMessage()).startsWith("TLS with " + plane.url("localhost") + " failed: ")
                    .contains("pin it: add --fingerprint sha256:").doesNotContain(TOKEN);
            assertThat(plane.requests()).isEmpty();
        }
    }

    @Test
    void withoutAPinATrustedCertificateForAnotherNameIsRefused() throws Exception {
        BlockingHttp http = new BlockingHttp(() -> ClientTls.socketFactory(trustingClient), Duration.ofSeconds(3),
                Duration.ofSeconds(30), 1024);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + TOKEN);
        try (RecordingServer plane = RecordingServer.https(serverTls)) {
            // the certificate names localhost only: reached as 127.0.0.1 it is someone else's
            assertThatThrownBy(() -> http.send("GET", URI.create(plane.url() + "/v1/orgs"), auth, null))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(plane.requests()).isEmpty();
            assertThat(http.send("GET", URI.create(plane.url("localhost") + "/v1/orgs"), auth, null).status())
                    .isEqualTo(200);
            assertThat(plane.requests()).hasSize(1);
        }
    }

    @Test
    void socketsOfferOnlyTls13And12() throws Exception {
        for (Optional<Fingerprint> pin : List.of(Optional.<Fingerprint>empty(), Optional.of(serverPin))) {
            try (SSLSocket s = (SSLSocket) ClientTls.socketFactory(pin).createSocket()) {
                assertThat(s.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            }
        }
    }

    @Test
    void noRequestLeavesAThreadInNativeCode() {
        try (RecordingServer plain = RecordingServer.http(); RecordingServer tls = RecordingServer.https(serverTls)) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            new ApiClient(plain.url(), TOKEN).get("/v1/orgs", String[].class);
            ApiClient pinned = new ApiClient(tls.url(), TOKEN, Optional.of(serverPin));
            pinned.get("/v1/orgs", String[].class);
            pinned.post("/v1/orgs", null, Void.class);
            tls.answer(x -> RecordingServer.send(x, 404, "{\"error\":\"no such org\"}"));
            assertThatThrownBy(() -> pinned.get("/v1/orgs/x", String[].class)).hasMessage("no such org");

            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (before.contains(t)) {
                    return; // another test's (the agent's java.net.http client lives until collected)
                }
                assertThat(t.getName()).as("the JDK HTTP client's selector").doesNotStartWith("HttpClient-");
                if (t.isAlive() && t.getState() == Thread.State.RUNNABLE && stack.length > 0) {
                    assertThat(stack[0].isNativeMethod()).as("%s left in %s", t.getName(), stack[0]).isFalse();
                }
            });
        }
    }
}
