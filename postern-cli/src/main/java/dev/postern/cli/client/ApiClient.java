package dev.postern.cli.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.common.Json;
import dev.postern.common.api.ErrorBody;
import dev.postern.common.tls.Fingerprint;
import dev.postern.common.tls.HttpClients;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A small client for the control-plane API (docs/API.md). Maps answers to exceptions: a non-2xx status
 * becomes an {@link ApiException} carrying the server's {@code error} text; no answer at all becomes a
 * {@link ServerUnreachableException} that names the URL tried.
 *
 * <pre>{@code List<OrgView> orgs = api.get("/v1/orgs", new TypeReference<List<OrgView>>() {});}</pre>
 */
public final class ApiClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_ERROR = 500;
    /** The largest answer read (a certificate log of 50,000 entries is about 20 MiB). */
    static final int MAX_ANSWER = 32 << 20;

    private final String baseUrl;
    private final String token;
    private final Optional<Fingerprint> pin;
    private HttpClient http;
    private final ObjectMapper json = Json.mapper();

    /**
     * @param baseUrl e.g. {@code http://127.0.0.1:7070}
     * @param token bearer token sent on every request; null for none
     */
    public ApiClient(String baseUrl, String token) {
        this(baseUrl, token, Optional.empty());
    }

    /**
     * @param pin the server's TLS key; with one, any other key is refused (exit 3) and names are not checked;
     *     empty: the system's trusted CAs and hostname verification
     */
    public ApiClient(String baseUrl, String token, Optional<Fingerprint> pin) {
        this.baseUrl = ClientConfig.normalizeServer(baseUrl);
        this.token = token;
        this.pin = pin;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Percent-encodes one path segment (an org name, an e-mail). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public <T> T get(String path, Class<T> type) {
        return read(send("GET", path, null), json.constructType(type));
    }

    public <T> T get(String path, TypeReference<T> type) {
        return read(send("GET", path, null), json.constructType(type));
    }

    /** A binary resource, e.g. the KRL. */
    public byte[] getBytes(String path) {
        return send("GET", path, null).body();
    }

    /** POSTs {@code body} (null: an empty JSON object) and reads the answer as {@code type} (Void: ignored). */
    public <T> T post(String path, Object body, Class<T> type) {
        return read(send("POST", path, body == null ? Map.of() : body), json.constructType(type));
    }

    public void delete(String path) {
        send("DELETE", path, null);
    }

    /** DELETEs and reads the answer as {@code type}. */
    public <T> T delete(String path, Class<T> type) {
        return read(send("DELETE", path, null), json.constructType(type));
    }

    /** PATCHes {@code body} and reads the answer as {@code type}. */
    public <T> T patch(String path, Object body, Class<T> type) {
        return read(send("PATCH", path, body), json.constructType(type));
    }

    /**
     * The HTTP client, made at the first request: a command that asks nothing (a console from cached facts and a
     * kept certificate) never pays for starting one (TLS context, selector thread).
     */
    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClients.create(CONNECT_TIMEOUT, pin);
        }
        return http;
    }

    private HttpResponse<byte[]> send(String method, String path, Object body) {
        String url = baseUrl + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofByteArray(write(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response;
        try {
            response = http().send(request.build(), BoundedBody.handler(MAX_ANSWER));
        } catch (IOException e) {
            Optional<String> tls = HttpClients.explain(e, baseUrl, "postern auth pin --fingerprint NEW' (or log in"
                    + " again with 'postern auth login --server " + baseUrl + " --token T --fingerprint NEW");
            if (tls.isPresent()) {
                throw new CliException(ExitCodes.AUTH, tls.get(), e);
            }
            if (causedBy(e, BoundedBody.TooLarge.class)) {
                throw new CliException(ExitCodes.FAILURE, "the control plane sent an answer larger than "
                        + (MAX_ANSWER >> 20) + " MiB to " + method + " " + path + "; check the server at " + baseUrl, e);
            }
            if (isUnreachable(e)) {
                throw new ServerUnreachableException(baseUrl, e);
            }
            throw new CliException(ExitCodes.FAILURE, method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILURE, "interrupted while waiting for " + url, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw failure(status, response.body());
        }
        return response;
    }

    private ApiException failure(int status, byte[] body) {
        String error = errorText(status, body);
        String message = error;
        if (status == 401 && !error.contains("postern auth login")) {
            message = error + "; log in again with 'postern auth login --server " + baseUrl + " --token T'";
        }
        return new ApiException(status, error, message);
    }

    private String errorText(int status, byte[] body) {
        try {
            ErrorBody e = json.readValue(body, ErrorBody.class);
            if (e != null && e.error() != null && !e.error().isBlank()) {
                // shown on the person's terminal: escaped (no escape sequences, no forged lines) and bounded
                String text = Printable.escape(e.error().strip());
                return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "..." : text;
            }
        } catch (IOException | RuntimeException ignored) {
            // not our JSON (a proxy page, an empty body): fall back to the status
        }
        return "the server at " + baseUrl + " answered HTTP " + status;
    }

    private <T> T read(HttpResponse<byte[]> response, JavaType type) {
        if (type.getRawClass() == Void.class || response.body().length == 0) {
            return null;
        }
        try {
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new CliException(ExitCodes.FAILURE, "unexpected answer from " + response.uri() + " (not a "
                    + type.getRawClass().getSimpleName() + "): " + Printable.escape(why), e);
        }
    }

    private byte[] write(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot encode request: " + e.getMessage(), e);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }
}
