package dev.postern.cli.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.postern.cli.CliEnvironment;
import dev.postern.common.tls.ClientTls;
import dev.postern.common.tls.Fingerprint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The first TLS handshake of a client command, begun on a second thread as soon as the command line is known, while
 * picocli builds the command and the command reads its files: in a fresh C1-only JVM the first handshake is most of
 * a {@code machines list} (its classes, the JDK's first https URL, the EC arithmetic run cold), and the machine has
 * two cores. The warm-up reads the selected login context itself (config.json, trusted as {@link ConfigFile#read}
 * trusts it, with a streaming parser), and only a pinned {@code https://} one is warmed.
 * It makes the socket factory (the pinned trust, {@link ClientTls}) that the command's requests then use, connects,
 * and completes one handshake with the pinned key, and closes: it sends no HTTP request and no token, so a server
 * that presents another key gets nothing from it (the handshake fails on the pin, the warm-up ends quietly, and the
 * command's own request is refused the usual way).
 *
 * <p>A request waits for the warm-up to end before it connects (up to the request's deadline), so no thread of the
 * warm-up is left blocked in native code when the command exits (HotSpot's exit waits for such threads on JDK 17),
 * and the handshake code it ran is warm. {@link #close} ends a warm-up that is still running (a command that made
 * no request): it closes the plain socket under the handshake.
 *
 * <pre>{@code try (TlsWarmup warm = TlsWarmup.start(env, args)) { run(env.withWarmup(warm), args); }}</pre>
 */
public final class TlsWarmup implements AutoCloseable {
    /** No warm-up: every request makes its TLS sockets itself. */
    public static final TlsWarmup NONE = new TlsWarmup();

    /** Top-level commands whose every run asks the control plane something (and so is worth a warm-up). */
    static final Set<String> COMMANDS = Set.of("machines", "orgs", "apps", "members", "access", "tokens", "secrets");

    private final CountDownLatch done = new CountDownLatch(1);
    /** Counted down once the server and pin are known, or the warm-up ended without them. */
    private final CountDownLatch known = new CountDownLatch(1);
    private final Object lock = new Object();
    private volatile String server;
    private volatile Fingerprint pin;
    private volatile SSLSocketFactory factory;
    private Socket socket;
    private boolean closed;

    private TlsWarmup() {
        known.countDown();
        done.countDown();
    }

    private TlsWarmup(CliEnvironment env) {
        Thread t = new Thread(() -> run(env), "postern-tls-warmup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Starts a warm-up for the command line {@code args} (after {@code --context} was taken off), or returns
     * {@link #NONE} when its command may not ask the server anything ({@code --help}, {@code auth}, {@code ssh}...).
     */
    public static TlsWarmup start(CliEnvironment env, String[] args) {
        if (args.length < 2 || !COMMANDS.contains(args[0])) {
            return NONE;
        }
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h") || a.equals("--")) {
                return NONE;
            }
        }
        return new TlsWarmup(env);
    }

    private void run(CliEnvironment env) {
        try {
            // JSSE's providers and classes first, which need no context: the command's thread reads the context
            // file too, and the two would only wait for each other on Jackson's classes
            SSLContext.getInstance("TLS");
            // the context as the command will select it; anything wrong with it is the command's to say
            Optional<String[]> selected = serverAndPin(new ConfigFile(env.posternHome()).readTrusted(),
                    env.variable(Session.CONTEXT_VARIABLE));
            if (selected.isEmpty()) {
                return;
            }
            String url = ClientConfig.normalizeServer(selected.get()[0]);
            Optional<Fingerprint> pinned = Optional.of(Fingerprint.parse("fingerprint", selected.get()[1]));
            URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme())) {
                return;
            }
            SSLSocketFactory sockets = ClientTls.socketFactory(pinned);
            factory = sockets;
            pin = pinned.get();
            server = url;
            known.countDown();
            // the JDK's first https URL of a process looks for URL handler providers in every jar of the class path
            uri.toURL();
            handshake(sockets, uri);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // the command's own request connects again and reports what is wrong, in its own words
        } finally {
            known.countDown();
            done.countDown();
        }
    }

    /**
     * The server and pin of the context {@code named} (else the current one) in config.json's bytes, with
     * jackson-core's streaming parser: Jackson's data binding takes ~0.1 s to start in a fresh JVM, which the command's
     * thread pays anyway (it reads the file again, and only a match of server and pin lets the warm-up serve it).
     */
    static Optional<String[]> serverAndPin(byte[] json, Optional<String> named) throws IOException {
        String current = null;
        List<String[]> contexts = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("current") && value == JsonToken.VALUE_STRING) {
                    current = p.getText();
                } else if (field.equals("contexts") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        contexts.add(context(p));
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        String wanted = named.orElse(current);
        return contexts.stream().filter(c -> c[0] != null && c[0].equals(wanted) && c[1] != null && c[2] != null)
                .map(c -> new String[] {c[1], c[2]}).findFirst();
    }

    /** name, server, fingerprint of the context object the parser is at. */
    private static String[] context(JsonParser p) throws IOException {
        String[] c = new String[3];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                p.skipChildren();
                continue;
            }
            switch (field) {
                case "name" -> c[0] = p.getText();
                case "server" -> c[1] = p.getText();
                case "fingerprint" -> c[2] = p.getText();
                default -> { }
            }
        }
        return c;
    }

    private void handshake(SSLSocketFactory sockets, URI uri) throws IOException {
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        Socket plain = new Socket();
        synchronized (lock) {
            if (closed) {
                return;
            }
            socket = plain;
        }
        try (plain) {
            plain.connect(new InetSocketAddress(host, port), (int) ApiClient.CONNECT_TIMEOUT.toMillis());
            plain.setSoTimeout((int) ApiClient.REQUEST_TIMEOUT.toMillis());
            try (SSLSocket tls = (SSLSocket) sockets.createSocket(plain, host, port, true)) {
                tls.startHandshake(); // checks the pin: a server with another key fails here
            }
        }
    }

    /**
     * The warm-up's socket factory when it was made for {@code server} with {@code pin} (the context the command
     * uses), else empty: a factory trusts its own pin only.
     */
    Optional<TlsWarmup> forServer(String normalizedServer, Optional<Fingerprint> pin) {
        if (this == NONE || pin.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(this).filter(w -> {
            awaitQuietly();
            return Objects.equals(w.server, normalizedServer) && Objects.equals(w.pin, pin.get());
        });
    }

    /**
     * Waits for the warm-up to end, up to {@code deadlineNanos} ({@link System#nanoTime}), then gives its socket
     * factory.
     *
     * @throws SocketTimeoutException when it did not end by the deadline (a server that stalls the handshake); the
     *     warm-up is ended then
     */
    SSLSocketFactory sockets(long deadlineNanos, URI uri, long timeoutSeconds) throws SocketTimeoutException {
        boolean ended;
        try {
            ended = done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            close();
            throw new SocketTimeoutException("the TLS handshake with " + uri.getHost() + ":" + uri.getPort()
                    + " did not end in time (" + timeoutSeconds + " s)");
        }
        return factory;
    }

    private void awaitQuietly() {
        // the server and pin are known once the context is read: no network wait, a file read at most
        try {
            known.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends a warm-up still running: closes its socket, which ends a blocked connect or read at once. */
    @Override
    public void close() {
        Socket s;
        synchronized (lock) {
            closed = true;
            s = socket;
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that was asked
            }
        }
    }
}
