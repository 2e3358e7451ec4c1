package dev.postern.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** Reading the certificate files the API serves. */
final class Pem {
    /** Far above any certificate chain; a bound so a wrong path (a log, a device) is not read whole. */
    static final int MAX_BYTES = 1 << 20;

    private Pem() {
    }

    /** The first certificate in a PEM file: the leaf, in a chain written leaf first (as ACME clients do). */
    static X509Certificate firstCertificate(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException(file + " is larger than " + (MAX_BYTES >> 10) + " KiB; is it a PEM certificate?");
        }
        try {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return (X509Certificate) certs.iterator().next();
        } catch (CertificateException e) {
            throw new IOException(file + " is not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }
}
