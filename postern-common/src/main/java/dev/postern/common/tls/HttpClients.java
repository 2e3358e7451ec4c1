package dev.postern.common.tls;

import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * HTTP clients for the control-plane API, shared by the CLI and the agent. With a pin the server must present
 * that key ({@link PinnedTrustManager}) and nothing else is checked; without one the system's trusted CAs and
 * hostname verification apply. Either way only TLS 1.2 and 1.3, and no redirects (a redirect could carry the
 * bearer token elsewhere).
 */
public final class HttpClients {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private HttpClients() {
    }

    /** A client for {@code pin} (empty: system trust). */
    public static HttpClient create(Duration connectTimeout, Optional<Fingerprint> pin) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        SSLParameters params = new SSLParameters();
        params.setProtocols(PROTOCOLS);
        b.sslParameters(params);
        if (pin.isPresent()) {
            try {
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, new TrustManager[] {new PinnedTrustManager(pin.get())}, null);
                b.sslContext(tls);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this Java cannot set up TLS: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /**
     * What to tell a person whose request failed in the TLS handshake, or empty when {@code error} is not one:
     * a changed pin names both keys and how to re-pin; an untrusted certificate without a pin says how to pin.
     *
     * @param server the URL, for the message
     * @param repin the command that re-pins, e.g. {@code postern auth pin --fingerprint NEW} (NEW stays a
     *     placeholder: copying the presented key would trust whoever is in between)
     */
    public static Optional<String> explain(Throwable error, String server, String repin) {
        Optional<PinMismatchException> mismatch = PinMismatchException.in(error);
        if (mismatch.isPresent()) {
            PinMismatchException m = mismatch.get();
            return Optional.of("the server at " + server + " presented TLS key " + m.presented() + ", but "
                    + m.pinned() + " is pinned: the server has a new key, or someone is in between. Nothing was"
                    + " sent. Ask the server's operator for its fingerprint ('postern server' prints it); only if it"
                    + " is the new one, re-pin with '" + repin + "'");
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return Optional.of("TLS with " + server + " failed: " + t.getMessage() + ". If the server uses its"
                        + " own (self-signed) certificate, pin it: add --fingerprint sha256:... as printed by"
                        + " 'postern server' (ask its operator)");
            }
        }
        return Optional.empty();
    }
}
