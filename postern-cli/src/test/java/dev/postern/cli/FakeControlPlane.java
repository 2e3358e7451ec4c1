package dev.postern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.postern.common.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A control plane that says whatever the test tells it to: a tiny HTTP server on 127.0.0.1 answering
 * {@code "METHOD /path"} with a fixed status and JSON body, and 404 for anything else. It plays a spoofed or
 * compromised server, so the CLI's checks of the answers can be tested without a real one.
 */
public final class FakeControlPlane implements AutoCloseable {
    private record Answer(int status, byte[] body) {
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, java.util.function.Function<byte[], Object>> computed = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public FakeControlPlane() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers {@code request} ("GET /v1/gateway") with 200 and {@code body} as JSON (a String is sent as is). */
    public FakeControlPlane answer(String request, Object body) {
        return answer(request, 200, body);
    }

    public FakeControlPlane answer(String request, int status, Object body) {
        byte[] bytes;
        try {
            bytes = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        answers.put(request, new Answer(status, bytes));
        computed.remove(request);
        return this;
    }

    /** Answers {@code request} with 200 and what {@code body} makes of the request's body, as JSON. */
    public FakeControlPlane answerWith(String request, java.util.function.Function<byte[], Object> body) {
        computed.put(request, body);
        answers.remove(request);
        return this;
    }

    /** Every request received so far, as "METHOD /path". */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange x) throws IOException {
        String request = x.getRequestMethod() + " " + x.getRequestURI().getRawPath();
        requests.add(request);
        byte[] sent = x.getRequestBody().readAllBytes();
        java.util.function.Function<byte[], Object> f = computed.get(request);
        Answer a = f != null ? new Answer(200, Json.mapper().writeValueAsBytes(f.apply(sent))) : answers.getOrDefault(request, new Answer(404,
                "{\"error\":\"the fake control plane has no answer for this\"}".getBytes(StandardCharsets.UTF_8)));
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(a.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
