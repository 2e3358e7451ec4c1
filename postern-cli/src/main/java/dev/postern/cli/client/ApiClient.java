package dev.postern.cli.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.common.api.ErrorBody;
import dev.postern.common.tls.ClientTls;
import dev.postern.common.tls.Fingerprint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small client for the control-plane API (docs/API.md). Maps answers to exceptions: a non-2xx status
 * becomes an {@link ApiException} carrying the server's {@code error} text; no answer at all becomes a
 * {@link ServerUnreachableException} that names the URL tried. The requests go over {@link BlockingHttp} (no
 * proxy, no redirects, TLS 1.2/1.3 with the pin or the system's CAs).
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
    private final BlockingHttp http;
    private final ObjectMapper json = CliJson.MAPPER;

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
        this(baseUrl, token, pin, TlsWarmup.NONE);
    }

    /**
     * As {@link #ApiClient(String, String, Optional)}, with the TLS sockets of {@code warmup} when it was begun for
     * this very server and pin (else it is not used).
     */
    public ApiClient(String baseUrl, String token, Optional<Fingerprint> pin, TlsWarmup warmup) {
        this.baseUrl = ClientConfig.normalizeServer(baseUrl);
        this.token = token;
        Optional<TlsWarmup> warm = warmup.forServer(this.baseUrl, pin);
        this.http = warm.isPresent()
                ? new BlockingHttp(warm.get(), CONNECT_TIMEOUT, REQUEST_TIMEOUT, MAX_ANSWER)
                : new BlockingHttp(pin, CONNECT_TIMEOUT, REQUEST_TIMEOUT, MAX_ANSWER);
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

    private BlockingHttp.Response send(String method, String path, Object body) {
        String url = baseUrl + path;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (token != null) {
            if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                // the JDK's refusal of such a header quotes its value, the token, into the error
                throw new CliException(ExitCodes.AUTH, "the saved token holds a space, line break or other character a"
                        + " header cannot carry (a token copied with its line end?); log in again with 'postern auth"
                        + " login --server " + baseUrl + " --token T'");
            }
            headers.put("Authorization", "Bearer " + token);
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        BlockingHttp.Response response;
        try {
            // the TLS context and sockets are made at the first request: a command that asks nothing (a console
            // from cached facts and a kept certificate) never pays for them
            response = http.send(method, URI.create(url), headers, body == null ? null : write(body));
        } catch (IOException e) {
            Optional<String> tls = ClientTls.explain(e, baseUrl, "postern auth pin --fingerprint NEW' (or log in"
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
        }
        int status = response.status();
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

    private <T> T read(BlockingHttp.Response response, JavaType type) {
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
            if (t instanceof ConnectException || t instanceof BlockingHttp.ConnectTimedOut
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }
}
