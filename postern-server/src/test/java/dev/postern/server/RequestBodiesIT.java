package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postern.common.api.AddMemberRequest;
import dev.postern.common.api.CreateOrgRequest;
import dev.postern.common.api.IssueRequest;
import dev.postern.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Hostile request bodies: endless chunked bodies, huge values, malformed JSON and e-mails that carry terminal
 * control characters. Each is answered with a short 4xx, nothing is echoed beyond a short escaped prefix, the
 * log gets no stack trace, and the server keeps serving.
 */
class RequestBodiesIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private ControlPlane cp;
    private Http http;
    private String boss;

    @BeforeEach
    void start() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        cp = ControlPlane.start(ControlPlaneConfig.local(dir.resolve("data"), clock));
        http = new Http(cp.baseUrl());
        Http.Reply r = http.post("/v1/auth/login", cp.bootstrapToken().orElseThrow(), null);
        boss = r.json().get("token").asText();
        assertThat(http.post("/v1/orgs", boss, new CreateOrgRequest("acme")).status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        cp.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
    }

    /** The status line and body of a raw HTTP/1.1 exchange whose body is written by {@code body} meanwhile. */
    private record Raw(String statusLine, String body) {
    }

    private Raw raw(String head, BodyWriter body) throws Exception {
        URI base = URI.create(cp.baseUrl());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            s.setSoTimeout(20_000); // a server that waits for the whole body never answers: the read times out
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                try {
                    body.write(out);
                } catch (IOException e) {
                    // the server closed its side after refusing: what we want
                }
            }, "hostile-body-writer");
            writer.setDaemon(true);
            writer.start();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0 && answer.size() < 1 << 20) {
                    answer.write(buf, 0, n);
                    if (complete(answer.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (IOException e) {
                // a reset after the answer was read is fine; no answer at all fails below
            }
            s.close();
            writer.join(20_000);
            String text = answer.toString(StandardCharsets.UTF_8);
            assertThat(text).as("an answer before the body ended").startsWith("HTTP/1.1 ");
            int split = text.indexOf("\r\n\r\n");
            return new Raw(text.substring(0, text.indexOf("\r\n")), split < 0 ? "" : text.substring(split + 4));
        }
    }

    /** True once the answer's headers and a Content-Length (or chunked end) worth of body are in. */
    private static boolean complete(String text) {
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            return false;
        }
        String head = text.substring(0, split).toLowerCase(java.util.Locale.ROOT);
        int cl = head.indexOf("content-length:");
        if (cl >= 0) {
            int end = head.indexOf("\r\n", cl);
            int len = Integer.parseInt(head.substring(cl + 15, end < 0 ? head.length() : end).trim());
            return text.length() - split - 4 >= len;
        }
        return text.endsWith("0\r\n\r\n");
    }

    @FunctionalInterface
    private interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    @Test
    void aTenMegabyteChunkedBodyIsRefusedBeforeItEnds() throws Exception {
        String head = "POST /v1/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + boss + "\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        byte[] chunk = ("{\"name\":\"" + "a".repeat(64 * 1024)).getBytes(StandardCharsets.US_ASCII);
        // 10 MB of chunks and never the final empty chunk: a server that reads to the end waits forever
        Raw answer = raw(head, out -> {
            for (int sent = 0; sent < 10 << 20; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        });
        assertThat(answer.statusLine()).contains(" 413 ");
        assertThat(answer.body()).hasSizeLessThan(1024).contains("64 KiB").doesNotContain("aaaaaaaaaaaaaaaaaaaaaa");
        assertThat(http.get("/health", null).status()).as("still serving").isEqualTo(200);
        assertThat(http.get("/v1/orgs", boss).json().findValuesAsText("name")).containsExactly("acme");
    }

    @Test
    void aDeclaredHugeBodyIsRefusedUnread() throws Exception {
        String head = "POST /v1/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + boss + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + (10 << 20) + "\r\n\r\n";
        Raw answer = raw(head, out -> out.write("{\"name\":\"".getBytes(StandardCharsets.US_ASCII)));
        assertThat(answer.statusLine()).contains(" 413 ");
        assertThat(answer.body()).hasSizeLessThan(1024);
        assertThat(http.get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void aHugeBadValueIsNeverEchoed() {
        String value = "\u001b[2J" + "a".repeat(60_000) + "@example.com";
        Http.Reply r = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest(value, "member"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().length).isLessThan(1024);
        assertThat(r.text()).contains("\\\\u001b[2Jaaa").doesNotContain("\u001b").contains("characters)");
        Http.Reply region = http.post("/v1/orgs", boss, new CreateOrgRequest("x".repeat(60_000)));
        assertThat(region.body().length).isLessThan(1024);
        Http.Reply path = http.get("/v1/orgs/" + "z".repeat(4000) + "/apps", boss);
        assertThat(path.status()).isEqualTo(404);
        assertThat(path.body().length).isLessThan(1024);
    }

    /**
     * An org name in the path reaches error messages too, also on the routes anyone may call without a token
     * (the CA's public keys and the KRL) and on a path that exists for another method only (Javalin's own 404).
     */
    @Test
    void aHostileOrgNameInThePathIsQuotedShortAndEscaped() {
        String org = "%1b%5b2J%e2%80%ae" + "q".repeat(3000);
        for (Http.Reply r : List.of(http.get("/v1/orgs/" + org + "/ca", null),
                http.get("/v1/orgs/" + org + "/revocations.krl", null),
                http.patch("/v1/orgs/" + org + "/ca", boss, Map.of()),
                http.get("/v1/orgs/" + org + "/members", boss))) {
            assertThat(r.status()).as(r.text()).isEqualTo(404);
            String error = r.json().get("error").asText();
            assertThat(error.length()).as(error).isLessThan(300);
            assertThat(error.codePoints().noneMatch(dev.postern.common.Untrusted::isUnsafe)).as(error).isTrue();
            assertThat(error).doesNotContain("q".repeat(100));
        }
    }

    @Test
    void malformedJsonIsAShort400WithNoStackTraceInTheLog() {
        logged.list.clear();
        for (String body : List.of("{not json", "{\"name\": {\"deep\": [1, 2", "[1,2,3]", "\"acme\"", "{\"name\": 5e99999}",
                "\u0000\u0001\u0002", "{\"email\": \"a@b.c\", \"role\": [\"member\"]}")) {
            for (String path : List.of("/v1/orgs", "/v1/orgs/acme/members", "/v1/orgs/acme/certificates")) {
                Http.Reply r = http.postRaw(path, boss, body);
                assertThat(r.status()).as(path + " " + body + ": " + r.text()).isIn(400, 412);
                assertThat(r.body().length).as(r.text()).isLessThan(300);
                assertThat(r.text()).doesNotContain("com.fasterxml", "Exception", "at [Source");
            }
        }
        assertThat(http.postRaw("/v1/orgs", boss, "{not json").json().get("error").asText())
                .contains("not a valid CreateOrgRequest JSON object");
        assertThat(logged.list).as("no stack trace or error logged for bad input")
                .noneMatch(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.ERROR));
    }

    @Test
    void emailsWithControlFormatOrSeparatorCharactersAreRefused() {
        for (String email : List.of("ev\u001b[31mil@example.com", "nul\u0000@example.com", "line\u2028@example.com",
                "rtl\u202e@example.com", "zw\u200b@example.com", "p\u0430ypal@example.com", "tab\t@example.com",
                "del\u007f@example.com", "c1\u009b@example.com")) {
            Http.Reply add = http.post("/v1/orgs/acme/members", boss, new AddMemberRequest(email, "member", "evil"));
            assertThat(add.status()).as(Http.JSON.valueToTree(email) + ": " + add.text()).isEqualTo(400);
            assertThat(add.text()).contains("not an e-mail address").doesNotContain(email);
            assertThat(add.json().get("error").asText().codePoints()
                    .noneMatch(dev.postern.common.Untrusted::isUnsafe)).isTrue();
            Http.Reply issue = http.post("/v1/orgs/acme/certificates", boss, new IssueRequest(email, "ssh-ed25519 AAAA",
                    null, 1));
            assertThat(issue.status()).as(issue.text()).isIn(400, 412);
        }
        Http.Reply removeEsc = http.delete("/v1/orgs/acme/members/ev%1Bil@example.com", boss);
        assertThat(removeEsc.status()).isEqualTo(400);
        assertThat(http.get("/v1/orgs/acme/members", boss).json()).as("only the owner").hasSize(1);
        assertThat(http.get("/v1/audit?org=acme", boss).json().findValuesAsText("action")).doesNotContain("member.add");
    }
}
