package dev.postern.common.tls;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * TLS for clients of the control-plane API, whatever HTTP client carries it: with a pin the server must present
 * that key ({@link PinnedTrustManager}) and nothing else is checked; without one the system's trusted CAs (and the
 * HTTP client's hostname verification). Only TLS 1.3 and 1.2 either way.
 *
 * <pre>{@code connection.setSSLSocketFactory(ClientTls.socketFactory(pin));}</pre>
 */
public final class ClientTls {
    /** The only protocols offered. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private ClientTls() {
    }

    /** Trusts only {@code pin}'s key, or (empty) the system's CAs. */
    public static SSLContext context(Optional<Fingerprint> pin) {
        try {
            if (pin.isEmpty()) {
                return SSLContext.getDefault();
            }
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new PinnedTrustManager(pin.get())}, null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Sockets of {@link #context} that offer only {@link #PROTOCOLS}. */
    public static SSLSocketFactory socketFactory(Optional<Fingerprint> pin) {
        return socketFactory(context(pin));
    }

    /** Sockets of {@code context} that offer only {@link #PROTOCOLS} (tests trust their own CA with this). */
    public static SSLSocketFactory socketFactory(SSLContext context) {
        return new ProtocolSocketFactory(context.getSocketFactory(), PROTOCOLS.toArray(String[]::new));
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
