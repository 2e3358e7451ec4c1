package dev.postern.agent.join;

import java.io.IOException;
import dev.postern.common.tls.ClientTls;
import dev.postern.common.tls.HttpClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the org's KRL (and its CA keys, see {@link CaKeysRefresh}) from the control plane every few seconds and
 * replaces the local copies when they changed; the agent re-reads them. When the control plane is unreachable
 * the last ones stay in force.
 */
public final class RevocationPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationPoller.class);
    private final HttpClient http;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "postern-krl-poll");
        t.setDaemon(true);
        return t;
    });
    private final URI uri;
    private final MachineFiles files;
    private final CaKeysRefresh caKeys;
    private volatile boolean warned;

    public RevocationPoller(MachineIdentity id, MachineFiles files, Duration interval) {
        this.uri = URI.create(id.server() + "/v1/orgs/" + id.org() + "/revocations.krl");
        this.files = files;
        // the pin stored at join: a control plane presenting another key gets no say over the CA keys or the KRL
        this.http = HttpClients.create(Duration.ofSeconds(3), files.pin());
        this.caKeys = new CaKeysRefresh(id, files);
        timer.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Fetches now, off the caller's thread (e.g. when the gateway pushes word of a change). */
    public void pollSoon() {
        timer.execute(this::poll);
    }

    void poll() {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode());
            }
            byte[] current = java.nio.file.Files.exists(files.revocations())
                    ? java.nio.file.Files.readAllBytes(files.revocations()) : new byte[0];
            if (!Arrays.equals(current, r.body())) {
                MachineFiles.write(files.revocations(), r.body());
                LOG.info("revocation list updated from {}", uri);
            }
            caKeys.refresh(http);
            warned = false;
        } catch (IOException | RuntimeException e) {
            if (!warned) {
                LOG.warn("cannot refresh revocations from {} ({}); the last list stays in force", uri,
                        ClientTls.explain(e, uri.toString(), "postern agent --fingerprint NEW ...")
                                .orElse(e.getMessage()));
                warned = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
