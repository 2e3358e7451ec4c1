package dev.postern.server.tls;

import dev.postern.common.tls.Fingerprint;
import io.javalin.community.ssl.SslConfig;
import io.javalin.community.ssl.SslPlugin;
import io.javalin.community.ssl.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for the API: the Javalin SSL plugin (Jetty, PEM files, hot reload through sslcontext-kickstart) set to
 * TLS 1.3 and 1.2 with ECDHE and AEAD suites only, no plain-HTTP connector, and no SNI host check (people
 * reach a server by IP address). Watches the PEM files and swaps the key material when they change, so a
 * renewed certificate is served without a restart; the fingerprint follows.
 */
public final class ServerTls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    /** Mozilla's "intermediate" TLS 1.2 suites without the DHE ones, and TLS 1.3's. */
    static final TlsConfig MODERN_AEAD = new TlsConfig(new String[] {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
        new String[] {"TLSv1.3", "TLSv1.2"});

    private final Path certFile;
    private final Path keyFile;
    private final SslPlugin plugin;
    private final AtomicReference<Fingerprint> fingerprint;
    private final ScheduledExecutorService watcher;
    private volatile FileState served;
    private volatile FileState lastFailed;

    /** What was seen of the two files: a change in either means the operator replaced them. */
    private record FileState(long certModified, long certSize, long keyModified, long keySize) {
    }

    private ServerTls(Path certFile, Path keyFile, SslPlugin plugin, Fingerprint fingerprint, FileState state,
                      ScheduledExecutorService watcher) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.plugin = plugin;
        this.fingerprint = new AtomicReference<>(fingerprint);
        this.served = state;
        this.watcher = watcher;
    }

    /**
     * Checks the PEM files and prepares the plugin for {@code host:port}; the plugin starts with the server.
     *
     * @throws IllegalArgumentException naming the file that cannot be read and the fix
     */
    public static ServerTls prepare(TlsSettings settings, Path certFile, Path keyFile, String host, int port) {
        Objects.requireNonNull(settings, "settings");
        FileState state = stat(certFile, keyFile);
        Fingerprint fp;
        try {
            fp = Fingerprint.of(Pem.firstCertificate(certFile));
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-cert: " + e.getMessage() + "; pass the PEM certificate chain"
                    + " (e.g. fullchain.pem)", e);
        }
        if (!Files.isReadable(keyFile)) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " cannot be read; pass the PEM private key"
                    + " (e.g. privkey.pem) readable by this user");
        }
        SslPlugin plugin = new SslPlugin(conf -> {
            conf.host = host;
            conf.securePort = port;
            conf.insecure = false;
            conf.secure = true;
            conf.http2 = false;
            conf.redirect = false;
            conf.sniHostCheck = false;
            conf.tlsConfig = MODERN_AEAD;
            conf.pemFromPath(certFile.toString(), keyFile.toString());
        });
        ScheduledExecutorService watcher = settings.isSelfSigned() ? null
                : Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "postern-tls-reload");
                    t.setDaemon(true);
                    return t;
                });
        ServerTls tls = new ServerTls(certFile, keyFile, plugin, fp, state, watcher);
        if (watcher != null) {
            long every = settings.reloadInterval().toMillis();
            watcher.scheduleWithFixedDelay(tls::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
        }
        return tls;
    }

    /** For {@code Javalin.create}: the plugin that makes the TLS connector. */
    public SslPlugin plugin() {
        return plugin;
    }

    /** The pin of the key served now. */
    public Fingerprint fingerprint() {
        return fingerprint.get();
    }

    /** The files served (the self-signed ones in the data dir, or the operator's). */
    public List<Path> files() {
        return List.of(certFile, keyFile);
    }

    /**
     * Re-reads the files when their modification time or size changed. A pair that does not load (a renewal
     * half written, a key that does not fit) leaves the old one served and is retried at the next check.
     */
    void reloadIfChanged() {
        FileState now;
        try {
            now = stat(certFile, keyFile);
        } catch (RuntimeException e) {
            warnOnce(null, e.getMessage());
            return;
        }
        if (now.equals(served)) {
            return;
        }
        try {
            Fingerprint fp = Fingerprint.of(Pem.firstCertificate(certFile));
            plugin.reload(conf -> conf.pemFromPath(certFile.toString(), keyFile.toString()));
            fingerprint.set(fp);
            served = now;
            lastFailed = null;
            LOG.info("TLS certificate reloaded from {}; key fingerprint {}", certFile, fp);
        } catch (IOException | RuntimeException e) {
            warnOnce(now, e.getMessage());
        }
    }

    private void warnOnce(FileState state, String why) {
        if (state == null || !state.equals(lastFailed)) {
            LOG.warn("cannot load the TLS files {} and {} ({}); still serving the previous certificate", certFile,
                    keyFile, why);
            lastFailed = state;
        }
    }

    private static FileState stat(Path cert, Path key) {
        try {
            BasicFileAttributes c = Files.readAttributes(cert, BasicFileAttributes.class);
            BasicFileAttributes k = Files.readAttributes(key, BasicFileAttributes.class);
            return new FileState(c.lastModifiedTime().toMillis(), c.size(), k.lastModifiedTime().toMillis(), k.size());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS files " + cert + " and " + key + ": " + e
                    + "; pass existing PEM files with --tls-cert and --tls-key", e);
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
