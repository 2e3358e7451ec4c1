package dev.postern.common.tls;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLParameters;

/**
 * {@code java.net.http} clients for the control-plane API, used by the agent (a long-lived process; the CLI uses
 * blocking connections, which leave no selector thread in native code to delay its exit). TLS as
 * {@link ClientTls}: with a pin the server must present that key and nothing else is checked; without one the
 * system's trusted CAs and hostname verification apply. Only TLS 1.2 and 1.3, and no redirects (a redirect could
 * carry the bearer token elsewhere).
 */
public final class HttpClients {
    private HttpClients() {
    }

    /** A client for {@code pin} (empty: system trust). */
    public static HttpClient create(Duration connectTimeout, Optional<Fingerprint> pin) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        SSLParameters params = new SSLParameters();
        params.setProtocols(ClientTls.PROTOCOLS.toArray(String[]::new));
        b.sslParameters(params);
        if (pin.isPresent()) {
            b.sslContext(ClientTls.context(pin));
        }
        return b.build();
    }
}
