package dev.postern.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A minimal client of the control plane's HTTP API (docs/API.md), safe to share between threads. Over HTTPS it
 * trusts exactly the server's pinned TLS key ({@link ServerPin}), as the CLI and agents do.
 */
final class Api {
    private static final ObjectMapper JSON = Json.mapper();
    private final HttpClient http;
    private final String baseUrl;
    private final String token;
    private final Optional<ServerPin> pin;

    Api(String baseUrl, String token, Optional<ServerPin> pin) {
        this.baseUrl = baseUrl;
        this.token = token;
        this.pin = pin;
        // HTTP/1.1: no h2c upgrade headers on every request over plain HTTP, and the same protocol over TLS
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (pin.isPresent()) {
            SSLParameters params = new SSLParameters();
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            b.sslContext(pin.get().context()).sslParameters(params);
        }
        this.http = b.build();
    }

    String baseUrl() {
        return baseUrl;
    }

    String token() {
        return token;
    }

    /** The server's pinned TLS key and the context that trusts only it; empty over plain HTTP. */
    Optional<ServerPin> pin() {
        return pin;
    }

    /** The JSON this client would send for {@code body}. */
    static byte[] json(Object body) throws IOException {
        return JSON.writeValueAsBytes(body);
    }

    Api withToken(String newToken) {
        return new Api(baseUrl, newToken, pin);
    }

    <T> T post(String path, Object body, Class<T> type) throws IOException {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        HttpRequest request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        return send(request, type);
    }

    <T> T get(String path, Class<T> type) throws IOException {
        return send(request(path).GET().build(), type);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private <T> T send(HttpRequest request, Class<T> type) throws IOException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during " + request.uri(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return JSON.readValue(response.body(), type);
    }
}
