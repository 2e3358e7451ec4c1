package dev.postern.ssh;

/**
 * A user certificate (or plain key) was refused. The message is the reason for the log; clients only ever
 * see the ordinary SSH authentication failure.
 */
public final class CertificateRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public CertificateRefusedException(String reason) {
        super(reason);
    }
}
