package dev.postern.common.tls;

import java.security.cert.CertificateException;
import java.util.Optional;

/**
 * The server presented a key other than the pinned one: a new key on the server, or someone in between.
 * Carries both fingerprints so the message can say what changed.
 */
public final class PinMismatchException extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final transient Fingerprint pinned;
    private final transient Fingerprint presented;

    public PinMismatchException(Fingerprint pinned, Fingerprint presented) {
        super("the server presented a certificate with key " + presented + " but " + pinned + " is pinned");
        this.pinned = pinned;
        this.presented = presented;
    }

    public Fingerprint pinned() {
        return pinned;
    }

    public Fingerprint presented() {
        return presented;
    }

    /** The mismatch somewhere in {@code error}'s causes (the HTTP client wraps it in handshake errors). */
    public static Optional<PinMismatchException> in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof PinMismatchException p) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
