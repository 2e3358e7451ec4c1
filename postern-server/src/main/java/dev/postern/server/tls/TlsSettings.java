package dev.postern.server.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the API serves TLS: the operator's PEM files ({@code --tls-cert/--tls-key}, e.g. from an ACME client),
 * re-read when they change, or (both null) a key and self-signed certificate the server keeps in
 * {@code <data>/tls}.
 *
 * @param certFile PEM certificate chain, leaf first; null for the self-signed one
 * @param keyFile PEM private key (PKCS#8, or PKCS#1/SEC1 as ACME clients write them); null for the self-signed one
 * @param reloadInterval how often the operator's files are checked for changes (modification time and size)
 */
public record TlsSettings(Path certFile, Path keyFile, Duration reloadInterval) {
    /** Often enough that a renewed certificate is served within seconds; two stat calls each time. */
    public static final Duration DEFAULT_RELOAD = Duration.ofSeconds(5);

    public TlsSettings {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException(certFile == null
                    ? "--tls-key needs --tls-cert: pass both PEM files (e.g. fullchain.pem and privkey.pem)"
                    : "--tls-cert needs --tls-key: pass both PEM files (e.g. fullchain.pem and privkey.pem)");
        }
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("TLS reload interval must be positive, not " + reloadInterval);
        }
    }

    /** The server's own key and self-signed certificate in {@code <data>/tls}. */
    public static TlsSettings selfSigned() {
        return new TlsSettings(null, null, DEFAULT_RELOAD);
    }

    /** The operator's PEM files. */
    public static TlsSettings files(Path certFile, Path keyFile) {
        return new TlsSettings(Objects.requireNonNull(certFile, "certFile"), Objects.requireNonNull(keyFile, "keyFile"),
                DEFAULT_RELOAD);
    }

    public boolean isSelfSigned() {
        return certFile == null;
    }

    public TlsSettings withReloadInterval(Duration interval) {
        return new TlsSettings(certFile, keyFile, interval);
    }
}
