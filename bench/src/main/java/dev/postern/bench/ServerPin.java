package dev.postern.bench;

import dev.postern.common.tls.Fingerprint;
import dev.postern.common.tls.PinnedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The control plane's TLS key as the harness pins it: read from the certificate the server made in
 * {@code DATA/tls/cert.pem} (the file the operator would take the fingerprint from; the server also prints it),
 * and a TLS context that accepts that key and nothing else ({@link PinnedTrustManager}, as the CLI and agents).
 *
 * @param fingerprint what {@code --fingerprint} takes
 * @param context trusts only that key
 */
record ServerPin(Fingerprint fingerprint, SSLContext context) {
    static ServerPin of(Path certPem) throws IOException {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certPem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(certPem + " is not a PEM certificate: " + e.getMessage(), e);
        }
        Fingerprint pin = Fingerprint.of(cert);
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new PinnedTrustManager(pin)}, null);
            return new ServerPin(pin, tls);
        } catch (GeneralSecurityException e) {
            throw new IOException("this Java cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
