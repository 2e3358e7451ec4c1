package dev.postern.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.common.tls.Fingerprint;
import dev.postern.common.tls.HttpClients;
import dev.postern.common.tls.PinMismatchException;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import dev.postern.testing.MutableClock;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over TLS, checked with real clients (curl, openssl s_client, the JDK client with a pin) the way a
 * person on another host would reach it, and as someone would who hopes for plain HTTP or old TLS.
 */
class TlsServerIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();

    private ControlPlaneConfig tlsConfig(Path data) {
        return ControlPlaneConfig.local(data, clock).withTls(TlsSettings.selfSigned());
    }

    private int port(ControlPlane cp) {
        return URI.create(cp.baseUrl()).getPort();
    }

    @Test
    void curlTrustingTheServersCertificateGetsHealthAndPlainHttpGetsNoApiAnswer() throws IOException {
        try (ControlPlane cp = ControlPlane.start(tlsConfig(dir.resolve("data")))) {
            assertThat(cp.baseUrl()).startsWith("https://127.0.0.1:");
            Path cert = dir.resolve("data/tls/cert.pem");
            ProcessResult curl = Processes.run(Duration.ofSeconds(20), List.of("curl", "-sS", "--max-time", "10",
                    "--cacert", cert.toString(), "https://localhost:" + port(cp) + "/health"));
            assertThat(curl.exitCode()).as(curl.toString()).isZero();
            assertThat(curl.stdout().replace(" ", "")).contains("\"status\":\"ok\"");

            // a name the certificate does not carry (people reach servers by IP or a NAT's name): Jetty's SNI host
            // check would answer 400; the pin, not the name, is what clients check
            ProcessResult otherName = Processes.run(Duration.ofSeconds(20), List.of("curl", "-sS", "-k", "--max-time",
                    "10", "--resolve", "cp.other.test:" + port(cp) + ":127.0.0.1",
                    "https://cp.other.test:" + port(cp) + "/health"));
            assertThat(otherName.stdout().replace(" ", "")).as(otherName.toString()).contains("\"status\":\"ok\"");

            // without the certificate, curl's system trust refuses it: the server is not trusted by accident
            ProcessResult untrusted = Processes.run(Duration.ofSeconds(20), List.of("curl", "-sS", "--max-time", "10",
                    "https://localhost:" + port(cp) + "/health"));
            assertThat(untrusted.exitCode()).as(untrusted.toString()).isNotZero();

            // an attacker's (or an old client's) plain HTTP request gets no API answer
            String answer = plainHttp(port(cp), "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(answer).doesNotContain("status").doesNotContain("200 OK");
            ProcessResult plain = Processes.run(Duration.ofSeconds(20), List.of("curl", "-sS", "--max-time", "10",
                    "http://127.0.0.1:" + port(cp) + "/health"));
            assertThat(plain.stdout()).doesNotContain("\"status\"");
        }
    }

    @Test
    void theKeyIsPrivateAndKeptAcrossRestartsAndNewNamesKeepTheFingerprint() throws IOException {
        Path data = dir.resolve("data");
        Fingerprint first;
        try (ControlPlane cp = ControlPlane.start(tlsConfig(data))) {
            first = cp.fingerprint().orElseThrow();
            assertThat(presented(cp)).isEqualTo(first);
        }
        // the documented openssl pipeline (docs/DEPLOY.md) computes the same fingerprint
        ProcessResult oracle = Processes.run(Duration.ofSeconds(20), List.of("sh", "-c", "openssl x509 -in '"
                + data.resolve("tls/cert.pem") + "' -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum"));
        assertThat("sha256:" + oracle.stdout().split(" ")[0]).isEqualTo(first.value());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls/key.pem"))))
                .isEqualTo("rw-------");
        String certBefore = Files.readString(data.resolve("tls/cert.pem"));
        try (ControlPlane cp = ControlPlane.start(tlsConfig(data))) {
            assertThat(cp.fingerprint()).contains(first);
            assertThat(Files.readString(data.resolve("tls/cert.pem"))).isEqualTo(certBefore);
        }
        // a new --advertise name: a new certificate for the same key, so pins stay valid
        try (ControlPlane cp = ControlPlane.start(tlsConfig(data).withAdvertise("https://cp.example.test:7070"))) {
            assertThat(cp.fingerprint()).contains(first);
            assertThat(cp.advertisedUrl()).isEqualTo("https://cp.example.test:7070");
            assertThat(Files.readString(data.resolve("tls/cert.pem"))).isNotEqualTo(certBefore);
            ProcessResult text = Processes.run(Duration.ofSeconds(20), List.of("openssl", "x509", "-noout", "-ext",
                    "subjectAltName", "-in", data.resolve("tls/cert.pem").toString()));
            assertThat(text.stdout()).contains("DNS:cp.example.test", "DNS:localhost", "IP Address:127.0.0.1");
            assertThat(presented(cp)).isEqualTo(first);
        }
        // the key gone: a new key, a new fingerprint (clients pinned to the old one must refuse it)
        deleteTree(data.resolve("tls"));
        try (ControlPlane cp = ControlPlane.start(tlsConfig(data))) {
            assertThat(cp.fingerprint().orElseThrow()).isNotEqualTo(first);
            assertThatThrownBy(() -> get(cp, first)).satisfies(e ->
                    assertThat(PinMismatchException.in(e)).isPresent());
        }
    }

    @Test
    void onlyTls12And13AreOffered() {
        try (ControlPlane cp = ControlPlane.start(tlsConfig(dir.resolve("data")))) {
            String target = "127.0.0.1:" + port(cp);
            assertThat(sClient(target, "-tls1_2").exitCode()).isZero();
            assertThat(sClient(target, "-tls1_3").exitCode()).isZero();
            ProcessResult old = sClient(target, "-tls1_1");
            assertThat(old.exitCode()).as(old.toString()).isNotZero();
            ProcessResult older = sClient(target, "-tls1");
            assertThat(older.exitCode()).as(older.toString()).isNotZero();
            // TLS 1.2 without forward secrecy (static RSA, CBC) is not offered either
            ProcessResult weak = Processes.run(Duration.ofSeconds(20), List.of("openssl", "s_client", "-connect",
                    target, "-tls1_2", "-cipher", "AES128-SHA:AES256-SHA:ECDHE-ECDSA-AES128-SHA", "-brief"),
                    new byte[0], java.util.Map.of(), null);
            assertThat(weak.exitCode()).as(weak.toString()).isNotZero();
        }
    }

    @Test
    void theOperatorsPemFilesAreServedAndAReplacedPairIsPickedUpWithoutRestart() throws Exception {
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        makeCertificate(cert, key, "ec", "cp.example.test");
        TlsSettings files = TlsSettings.files(cert, key).withReloadInterval(Duration.ofMillis(100));
        try (ControlPlane cp = ControlPlane.start(ControlPlaneConfig.local(dir.resolve("data"), clock)
                .withTls(files))) {
            Fingerprint first = Fingerprint.of(certificate(cert));
            assertThat(cp.fingerprint()).contains(first);
            assertThat(presented(cp)).isEqualTo(first);
            assertThat(Files.exists(dir.resolve("data/tls"))).isFalse();

            // the ACME client renews with a new key (RSA this time): written beside, then moved into place
            Path newCert = dir.resolve("new-cert.pem");
            Path newKey = dir.resolve("new-key.pem");
            makeCertificate(newCert, newKey, "rsa:2048", "cp.example.test");
            Files.move(newKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(newCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Fingerprint second = Fingerprint.of(certificate(cert));
            assertThat(second).isNotEqualTo(first);
            Instant until = Instant.now().plusSeconds(20);
            while (!presented(cp).equals(second) && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
            assertThat(presented(cp)).isEqualTo(second);
            assertThat(cp.fingerprint()).contains(second);
        }
    }

    @Test
    void missingOperatorFilesStopTheStartNamingTheFile() {
        TlsSettings files = TlsSettings.files(dir.resolve("nope.pem"), dir.resolve("nokey.pem"));
        assertThatThrownBy(() -> ControlPlane.start(ControlPlaneConfig.local(dir.resolve("data"), clock)
                .withTls(files))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.pem");
    }

    @Test
    void plainHttpIsRefusedOffLoopback() {
        assertThatThrownBy(() -> new ControlPlaneConfig(dir, null, "0.0.0.0", 0, clock, null, null, "127.0.0.1", 0,
                null)).hasMessageContaining("--insecure-http").hasMessageContaining("0.0.0.0");
        assertThatThrownBy(() -> new ControlPlaneConfig(dir, null, "192.0.2.10", 0, clock, null, null, "127.0.0.1",
                0, null, null, null)).hasMessageContaining("loopback only");
        assertThat(new ControlPlaneConfig(dir, null, "0.0.0.0", 0, clock, null, null, "127.0.0.1", 0, null,
                "https://cp.example.test:7070", TlsSettings.selfSigned()).advertise())
                .isEqualTo("https://cp.example.test:7070");
        assertThatThrownBy(() -> ControlPlaneConfig.local(dir, clock).withTls(TlsSettings.selfSigned())
                .withAdvertise("http://cp.example.test:7070")).hasMessageContaining("https://");
    }

    /** The fingerprint of the key the server presents now, read by a client that pins nothing. */
    private Fingerprint presented(ControlPlane cp) throws IOException {
        ProcessResult r = Processes.run(Duration.ofSeconds(20), List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + port(cp), "-showcerts"), new byte[0], java.util.Map.of(), null);
        String pem = r.stdout().substring(r.stdout().indexOf("-----BEGIN CERTIFICATE-----"),
                r.stdout().indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length());
        Path file = Files.createTempFile(dir, "presented", ".pem");
        Files.writeString(file, pem + "\n");
        return Fingerprint.of(certificate(file));
    }

    private static HttpResponse<String> get(ControlPlane cp, Fingerprint pin) throws Exception {
        return HttpClients.create(Duration.ofSeconds(5), Optional.of(pin)).send(HttpRequest.newBuilder(
                URI.create(cp.baseUrl() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static java.security.cert.X509Certificate certificate(Path pem) throws IOException {
        return Pem.firstCertificate(pem);
    }

    private void makeCertificate(Path cert, Path key, String keyType, String name) {
        List<String> cmd = keyType.equals("ec")
                ? List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "30", "-subj",
                        "/CN=" + name, "-addext", "subjectAltName=DNS:" + name)
                : List.of("openssl", "req", "-x509", "-newkey", keyType, "-nodes", "-keyout", key.toString(), "-out",
                        cert.toString(), "-days", "30", "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name);
        ProcessResult r = Processes.run(Duration.ofSeconds(60), cmd);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private static ProcessResult sClient(String target, String version) {
        return Processes.run(Duration.ofSeconds(20), List.of("openssl", "s_client", "-connect", target, version,
                "-brief"), new byte[0], java.util.Map.of(), null);
    }

    private static String plainHttp(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            try {
                return new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
            } catch (IOException closed) {
                return "";
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
