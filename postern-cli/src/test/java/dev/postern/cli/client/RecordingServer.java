package dev.postern.cli.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A loopback HTTP or HTTPS server that records every request that reaches it (method, path, Authorization header)
 * and answers as the test says (default: 200 with {@code []}). A request refused in the TLS handshake never
 * reaches it, so an empty record means nothing was sent.
 */
final class RecordingServer implements AutoCloseable {
    /** One request as received. */
    record Request(String method, String path, String authorization) {
    }

    /** Writes the answer to one exchange. */
    interface Answer {
        void answer(HttpExchange x) throws IOException;
    }

    private final HttpServer server;
    private final String scheme;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Answer answer = x -> send(x, 200, "[]");

    private RecordingServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.createContext("/", this::handle);
        server.start();
    }

    static RecordingServer http() {
        try {
            return new RecordingServer(HttpServer.create(loopback(), 0), "http");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves TLS with {@code tls}'s key and certificate. */
    static RecordingServer https(SSLContext tls) {
        try {
            HttpsServer s = HttpsServer.create(loopback(), 0);
            s.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new RecordingServer(s, "https");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** {@code http://127.0.0.1:PORT} (or https). */
    String url() {
        return url("127.0.0.1");
    }

    /** The URL by another name for the same address, e.g. {@code localhost}. */
    String url(String host) {
        return scheme + "://" + host + ":" + server.getAddress().getPort();
    }

    RecordingServer answer(Answer a) {
        answer = a;
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void handle(HttpExchange x) throws IOException {
        requests.add(new Request(x.getRequestMethod(), x.getRequestURI().getRawPath(),
                x.getRequestHeaders().getFirst("Authorization")));
        x.getRequestBody().readAllBytes();
        answer.answer(x);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
