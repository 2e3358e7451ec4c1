package dev.postern.common.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server key: the pinned one. The name the server was reached by, the issuer and the
 * validity dates do not matter (the pin is the whole trust decision, as an SSH known_hosts line), so a
 * self-signed certificate reached by IP address works. The TLS handshake proves the server holds the private
 * key of the certificate it shows, so checking the certificate's key is enough.
 *
 * <p>An {@link X509ExtendedTrustManager} on purpose: JSSE adds its own hostname and constraint checks only
 * around plain {@code X509TrustManager}s.
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {
    private final Fingerprint pin;

    public PinnedTrustManager(Fingerprint pin) {
        this.pin = Objects.requireNonNull(pin, "pin");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        Fingerprint presented = Fingerprint.of(chain[0]);
        if (!presented.equals(pin)) {
            throw new PinMismatchException(pin, presented);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a pinned client trusts servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
