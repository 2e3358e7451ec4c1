package dev.postern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CLI's API client against what {@code HttpURLConnection} does on its own unless told not to: send a request
 * again when the connection broke before an answer, answer a server's authentication challenge, wait for a header
 * block that arrives a byte at a time. (ApiClientIT has redirects, proxies, sizes and TLS.)
 */
class ApiClientAttackIT {
    private static final String TOKEN = "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

    @Test
    void aPostIsSentOnceWhenTheServerReadsItAndClosesWithoutAnAnswer() {
        // the server may have acted on it (a token made, a member added): sending it again would act twice
        try (RawServer plane = new RawServer(s -> s.close())) {
            ApiClient api = new ApiClient(plane.url(), TOKEN);
            CliException e = catchThrowableOfType(() -> api.post("/v1/orgs", Map.of("name", "acme"), Void.class),
                    CliException.class);
            assertThat(e.exitCode()).isEqualTo(ExitCodes.FAILURE);
            assertThat(e.getMessage()).startsWith("POST " + plane.url() + "/v1/orgs failed: ").doesNotContain(TOKEN);
            assertThat(plane.requests()).containsExactly("POST /v1/orgs HTTP/1.1");
        }
    }

    @Test
    void anAuthenticationChallengeIsNeverAnsweredEvenWithADefaultAuthenticator() {
        List<String> asked = new CopyOnWriteArrayList<>();
        Authenticator before = Authenticator.getDefault();
        Authenticator.setDefault(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                asked.add(getRequestingScheme());
                return new PasswordAuthentication("person", "their-password".toCharArray());
            }
        });
        try (RecordingServer plane = RecordingServer.http()) {
            ApiClient api = new ApiClient(plane.url(), TOKEN);
            for (String challenge : List.of("Basic realm=\"postern\"", "Digest realm=\"postern\", nonce=\"abc\"",
                    "NTLM")) {
                plane.answer(x -> {
                    x.getResponseHeaders().add("WWW-Authenticate", challenge);
                    RecordingServer.send(x, 401, "{\"error\":\"this token was revoked\"}");
                });
                for (Runnable call : List.<Runnable>of(() -> api.get("/v1/orgs", String[].class),
                        () -> api.post("/v1/orgs", Map.of("name", "acme"), Void.class))) {
                    CliException e = catchThrowableOfType(call::run, CliException.class);
                    assertThat(e.exitCode()).as("%s: %s", challenge, e).isEqualTo(ExitCodes.AUTH);
                    assertThat(e.getMessage()).as(challenge).startsWith("this token was revoked; log in again");
                }
            }
            assertThat(asked).isEmpty();
            assertThat(plane.requests()).hasSize(6).allSatisfy(r -> assertThat(r.authorization())
                    .isEqualTo("Bearer " + TOKEN));
        } finally {
            Authenticator.setDefault(before);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aServerTricklingItsHeadersOrBodyIsCutAtTheRequestDeadline() {
        // each byte comes well within the read timeout, so only a deadline for the whole exchange ends it
        BlockingHttp http = new BlockingHttp(Optional.empty(), Duration.ofSeconds(3), Duration.ofSeconds(1), 1024);
        for (String start : List.of("HTTP/1.1 200 OK\r\nX-Slow: ", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")) {
            try (RawServer plane = new RawServer(s -> trickle(s.getOutputStream(), start))) {
                assertThatThrownBy(() -> http.send("GET", URI.create(plane.url() + "/v1/orgs"), Map.of(), null))
                        .as(start).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("did not end in time");
            }
        }
    }

    /** One byte every 100 ms, for at most 40 s (the test's own bound), until the client goes. */
    private static void trickle(OutputStream out, String start) throws java.io.IOException {
        out.write(start.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 400; i++) {
            out.write('a');
            out.flush();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void aTokenWithALineBreakIsRefusedWithoutQuotingIt() {
        // e.g. copied from a file with CRLF line ends: the JDK's own refusal of the header quotes the token
        try (RecordingServer plane = RecordingServer.http()) {
            for (String token : List.of(TOKEN + "\r", TOKEN + "\nX-Injected: 1", TOKEN + " ")) {
                CliException e = catchThrowableOfType(() -> new ApiClient(plane.url(), token).get("/v1/orgs",
                        String[].class), CliException.class);
                assertThat(e).isNotNull();
                assertThat(e.exitCode()).isEqualTo(ExitCodes.AUTH);
                assertThat(e.getMessage()).contains("log in again").doesNotContain(TOKEN);
            }
            assertThat(plane.requests()).isEmpty();
        }
    }

    @Test
    void noConnectionServesASecondRequest() {
        // a 401 with a challenge left its connection in the JDK's keep-alive cache despite Connection: close, and
        // the next request went out on it (to a server that had closed it: reset, then silently sent again)
        java.util.concurrent.atomic.AtomicInteger reused = new java.util.concurrent.atomic.AtomicInteger();
        String answer = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"p\", nonce=\"n\"\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        try (RawServer plane = new RawServer(s -> {
            s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(2000);
            if (s.getInputStream().read() >= 0) {
                reused.incrementAndGet();
            }
        })) {
            ApiClient api = new ApiClient(plane.url(), TOKEN);
            for (int i = 0; i < 2; i++) {
                assertThat(catchThrowableOfType(() -> api.get("/v1/orgs", String[].class), ApiException.class)
                        .status()).isEqualTo(401);
            }
            assertThat(reused).hasValue(0);
            assertThat(plane.requests()).hasSize(2);
        }
    }
}
