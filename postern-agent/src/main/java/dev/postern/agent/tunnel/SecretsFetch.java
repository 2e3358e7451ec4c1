package dev.postern.agent.tunnel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the gateway for the app's deployed secrets through the tunnel ({@value #REQUEST}, want-reply; the values
 * come back in {@code SSH_MSG_REQUEST_SUCCESS}), once the tunnel is up and again whenever the gateway says
 * {@value #CHANGED}. Asking happens on its own thread: a global request's reply is read by the I/O threads, which
 * must not wait for it themselves.
 */
final class SecretsFetch extends AbstractConnectionServiceRequestHandler implements AutoCloseable {
    /** Must equal the gateway's {@code SecretsRequestHandler.SECRETS}; the agent does not depend on the gateway. */
    static final String REQUEST = "secrets@postern.dev";
    /** Must equal the gateway's {@code Gateway.SECRETS_CHANGED}. */
    static final String CHANGED = "secrets-changed@postern.dev";
    private static final Logger LOG = LoggerFactory.getLogger(SecretsFetch.class);
    private static final int MAX_NAMES = 1000;

    private final Supplier<ClientSession> session;
    private final Consumer<TunnelSecrets> sink;
    private final Duration timeout;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "postern-secrets");
        t.setDaemon(true);
        return t;
    });

    SecretsFetch(Supplier<ClientSession> session, Consumer<TunnelSecrets> sink, Duration timeout) {
        this.session = session;
        this.sink = sink;
        this.timeout = timeout;
    }

    @Override
    public RequestHandler.Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer) {
        if (!CHANGED.equals(request)) {
            return RequestHandler.Result.Unsupported;
        }
        fetchSoon();
        return RequestHandler.Result.Replied;
    }

    /** Asks on the fetch thread; returns at once. */
    void fetchSoon() {
        try {
            thread.execute(this::fetch);
        } catch (RejectedExecutionException closed) {
            // the tunnel is closing
        }
    }

    private void fetch() {
        ClientSession s = session.get();
        if (s == null || s.isClosing()) {
            return;
        }
        try {
            Buffer request = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
            request.putString(REQUEST);
            request.putBoolean(true);
            Buffer reply = s.request(REQUEST, request, timeout);
            if (reply == null) {
                LOG.warn("the gateway refused to send this app's secrets (is this the machine's live tunnel?)");
                return;
            }
            Optional<TunnelSecrets> secrets = decode(reply);
            if (secrets.isPresent()) {
                LOG.info("received secrets version {} ({} names) through the tunnel", secrets.get().version(),
                        secrets.get().values().size());
                sink.accept(secrets.get());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("asking the gateway for this app's secrets failed: {}", e.getClass().getSimpleName());
        }
    }

    /** Reads {@code uint64 version, uint32 count, count * (string name, string value)}; empty when malformed. */
    static Optional<TunnelSecrets> decode(Buffer reply) {
        try {
            long version = reply.getLong();
            long count = reply.getUInt();
            if (count > MAX_NAMES) {
                LOG.warn("the gateway sent {} secrets, more than {}; ignored", count, MAX_NAMES);
                return Optional.empty();
            }
            Map<String, String> values = new HashMap<>();
            for (long i = 0; i < count; i++) {
                String name = reply.getString();
                String value = new String(reply.getBytes(), StandardCharsets.UTF_8);
                if (!name.matches("[A-Z_][A-Z0-9_]*") || name.startsWith("POSTERN_") || value.indexOf('\0') >= 0) {
                    LOG.warn("the gateway sent a secret with an invalid name or value; ignored all of them");
                    return Optional.empty();
                }
                values.put(name, value);
            }
            return Optional.of(new TunnelSecrets(version, values));
        } catch (RuntimeException e) {
            // never the exception's text: it could quote the buffer
            LOG.warn("the gateway's secrets answer is malformed ({}); ignored", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
