package dev.postern.cli.client;

import dev.postern.common.tls.ClientTls;
import dev.postern.common.tls.Fingerprint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP exchanges with the control plane over the JDK's blocking {@link HttpURLConnection}, not
 * {@code java.net.http}: that client's selector thread waits in {@code epoll_wait} for as long as the client
 * lives, and HotSpot's exit waits up to 0.3 s for threads in native code (JDK 17 can neither shut the client down
 * nor skip the wait). Here a thread is in native code only while its own request is.
 *
 * <p>What the connection does, and why: no proxy ({@link Proxy#NO_PROXY}: a proxy set by system property must not
 * see the bearer token); no redirects (one could carry the token elsewhere: a 3xx is an error); TLS from
 * {@link ClientTls} (a pin trusts that key alone; no pin, the system's CAs, and the connection's own strict
 * hostname check, left on: no {@code HostnameVerifier} is set); no response cache; one connection per request,
 * closed when its answer is read ({@code Connection: close}): nothing is left open after a command (an idle TLS
 * connection nobody reads also holds up a server's graceful stop), and no connection made under one pin or token
 * serves another. A command makes one to four requests, so the handshakes this costs are few. A body (small JSON)
 * is buffered, not streamed: in streaming mode the connection throws away the body of a 401, the server's reason.
 *
 * <p>What the JDK's connection would do on its own, and is kept from doing: keep a connection for the next request
 * (a 401 with a challenge left it in the keep-alive cache despite {@code Connection: close}: {@code http.keepAlive}
 * is false, so no connection ever serves two requests); send a POST again when its connection
 * broke before an answer (the server may have acted on the first: {@code sun.net.http.retryPost} is set false before
 * the JDK's HTTP code first loads; a GET or DELETE, idempotent, may still go twice to the same server); answer a
 * {@code WWW-Authenticate} challenge (Basic, Digest or NTLM with a JVM-wide {@link Authenticator}'s password, or
 * Negotiate with the person's Kerberos tickets, and the request sent again): each connection has an authenticator
 * that knows no password, and Kerberos credentials come only from a JAAS subject, which the CLI has none of; wait
 * without end for an answer that comes one byte at a time (each within the read timeout): the connection is closed
 * under the request at its deadline.
 */
final class BlockingHttp {
    static {
        // read once, when sun.net.www.http.HttpClient first loads: set before any connection is made (the JDK's
        // own defaults, true, would keep connections and resend a POST)
        System.setProperty("sun.net.http.retryPost", "false");
        System.setProperty("http.keepAlive", "false");
        // read at each Negotiate challenge; unset, HTTP's SPNEGO takes the ticket cache (kinit) by default
        System.setProperty("javax.security.auth.useSubjectCredsOnly", "true");
        // a pinned connection never reads the system trust store (DefaultTlsOnDemand: why)
        DefaultTlsOnDemand.install();
    }

    /** Asked for a password, has none: a server's challenge is left unanswered, the 401 returned as it is. */
    private static final Authenticator NO_CREDENTIALS = new Authenticator() {
    };

    /** An answer: its status, body (at most the limit) and the URI asked. */
    record Response(int status, byte[] body, URI uri) {
    }

    /** Connecting took longer than the connect timeout. */
    static final class ConnectTimedOut extends IOException {
        private static final long serialVersionUID = 1L;

        ConnectTimedOut(SocketTimeoutException cause) {
            super("connect timed out", cause);
        }
    }

    private final Supplier<SSLSocketFactory> tlsFactory;
    private final TlsWarmup warmup;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int limit;
    private SSLSocketFactory tls;

    /**
     * @param requestTimeout bounds each read and the whole answer (checked between reads)
     * @param limit the largest body read, error bodies too
     */
    BlockingHttp(Optional<Fingerprint> pin, Duration connectTimeout, Duration requestTimeout, int limit) {
        this(() -> ClientTls.socketFactory(pin), connectTimeout, requestTimeout, limit);
    }

    /** @param tls made at the first https request */
    BlockingHttp(Supplier<SSLSocketFactory> tls, Duration connectTimeout, Duration requestTimeout, int limit) {
        this(tls, null, connectTimeout, requestTimeout, limit);
    }

    /** @param warmup begun for the server and pin of every request this sends: its sockets, after it ends */
    BlockingHttp(TlsWarmup warmup, Duration connectTimeout, Duration requestTimeout, int limit) {
        this(null, Objects.requireNonNull(warmup, "warmup"), connectTimeout, requestTimeout, limit);
    }

    private BlockingHttp(Supplier<SSLSocketFactory> tls, TlsWarmup warmup, Duration connectTimeout,
            Duration requestTimeout, int limit) {
        this.tlsFactory = tls;
        this.warmup = warmup;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.limit = limit;
    }

    /**
     * Made at the first https request, then kept for the next; with a warm-up, its sockets once it ended (a request
     * never runs beside it: no thread of it is left in native code when the command exits).
     */
    private synchronized SSLSocketFactory tls(long deadline, URI uri) throws IOException {
        if (tls == null) {
            tls = warmup != null ? warmup.sockets(deadline, uri, requestTimeout.toSeconds()) : tlsFactory.get();
        }
        return tls;
    }

    /**
     * Sends one request and reads the whole answer, whatever its status.
     *
     * @param body null: none
     * @throws ConnectTimedOut if the server did not accept the connection in time
     * @throws BoundedBody.TooLarge if the answer is longer than the limit
     */
    Response send(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException {
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        Cutoff cutoff = new Cutoff(c, requestTimeout);
        try {
            return exchange(c, method, uri, headers, body, deadline);
        } catch (IOException | RuntimeException e) {
            if (cutoff.fired()) {
                throw new SocketTimeoutException("the answer from " + uri + " did not end in time ("
                        + requestTimeout.toSeconds() + " s)");
            }
            throw e;
        } finally {
            cutoff.cancel();
            c.disconnect(); // closes the socket: no half-read answer is left for a background thread to drain
        }
    }

    private Response exchange(HttpURLConnection c, String method, URI uri, Map<String, String> headers, byte[] body,
            long deadline) throws IOException {
        if (c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls(deadline, uri));
        }
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setAllowUserInteraction(false);
        c.setAuthenticator(NO_CREDENTIALS);
        c.setConnectTimeout(millis(connectTimeout));
        c.setReadTimeout(millis(requestTimeout));
        c.setRequestMethod(method);
        headers.forEach(c::setRequestProperty);
        c.setRequestProperty("Connection", "close"); // the one value of this header a caller may set
        c.setDoOutput(body != null);
        try {
            c.connect(); // TCP, then the TLS handshake: a refused key fails here, before anything is sent
        } catch (SocketTimeoutException e) {
            throw new ConnectTimedOut(e);
        }
        if (body != null) {
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        if (status < 0) {
            throw new IOException("the answer from " + uri + " is not HTTP");
        }
        if (c.getContentLengthLong() > limit) {
            throw new BoundedBody.TooLarge(limit);
        }
        byte[] bytes;
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            bytes = in == null ? new byte[0] : BoundedBody.read(in, limit, deadline);
        }
        return new Response(status, bytes, uri);
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}
