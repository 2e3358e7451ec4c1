package dev.postern.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host certificate file ({@code --host-cert}) of a server reached directly, re-read when it changes, so that
 * a certificate renewed by cron (smallstep's {@code step ssh renew}, or {@code ssh-keygen -s host_ca -h}) is
 * presented to new connections without a restart, as with sshd's {@code HostCertificate} after a reload. A new
 * file replaces the certificate in use only when it is a HOST certificate for this server's key, signed by its
 * CA key (the signature verifies), and not expired (valid now or later); otherwise the last good one stays and
 * one warning names the file and the fix (see {@link WatchedFile}). One valid only later is presented from then
 * on, while the current one is still valid.
 *
 * <pre>{@code
 * HostCertFile cert = HostCertFile.watch(certFile, hostKeys.publicKey(), clock, WatchedFile.Guard.NONE);
 * server.setHostKeyCertificateProvider(session -> List.of(cert.get()));
 * }</pre>
 */
public final class HostCertFile implements Supplier<OpenSshCertificate> {
    private static final Logger LOG = LoggerFactory.getLogger(HostCertFile.class);
    private final WatchedFile<OpenSshCertificate> file;
    private final Clock clock;
    private volatile OpenSshCertificate presented;
    private volatile OpenSshCertificate waitingFor;

    private HostCertFile(WatchedFile<OpenSshCertificate> file, Clock clock, OpenSshCertificate current) {
        this.file = file;
        this.clock = clock;
        this.presented = current;
    }

    /**
     * Watches {@code path}, presenting what it holds now (checked as at start: a HOST certificate for
     * {@code hostKey}, guarded) until it changes; replacements are checked fully.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when the guard refuses it or it is not a host certificate for this key
     */
    public static HostCertFile watch(Path path, PublicKey hostKey, Clock clock, WatchedFile.Guard guard)
            throws IOException {
        Objects.requireNonNull(hostKey, "hostKey");
        Objects.requireNonNull(clock, "clock");
        WatchedFile.Format<OpenSshCertificate> format = new WatchedFile.Format<>("host certificate",
                file -> read(file, hostKey, clock), HostCertFile::describe);
        // attributes before the read: a change while reading shows at the next check
        WatchedFile.Stamp stamp = WatchedFile.Stamp.of(path);
        guard.check(path);
        // the start keeps sshd's leniency (an expired certificate is presented, and clients say why they refuse
        // it); only a replacement must be better than that
        OpenSshCertificate current = HostKeys.checkCertificate(path, hostKey);
        return new HostCertFile(WatchedFile.known(format, path, clock, guard, current, stamp), clock, current);
    }

    public Path path() {
        return file.path();
    }

    /**
     * The certificate to present now: the last good one read from the file, except that one not valid yet waits
     * while the one presented so far is still valid (clients refuse a certificate before its time: a renewal
     * signed with a later start, or a year's typo, would otherwise lock every new connection out until then).
     */
    @Override
    public OpenSshCertificate get() {
        OpenSshCertificate latest = file.get();
        OpenSshCertificate shown = presented;
        if (latest == shown) {
            return shown;
        }
        long now = clock.instant().getEpochSecond();
        if (Long.compareUnsigned(latest.getValidAfter(), now) > 0 && validAt(shown, now)) {
            if (waitingFor != latest) {
                waitingFor = latest;
                LOG.info("host certificate {} is valid from {}; presenting the current one (serial {}) until then",
                        file.path(), Instant.ofEpochSecond(latest.getValidAfter()),
                        Long.toUnsignedString(shown.getSerial()));
            }
            return shown;
        }
        presented = latest;
        return latest;
    }

    private static boolean validAt(OpenSshCertificate cert, long now) {
        return Long.compareUnsigned(cert.getValidAfter(), now) <= 0 && Long.compareUnsigned(now,
                cert.getValidBefore()) < 0;
    }

    /** Reads and checks a replacement; the messages name the file and the fix. */
    static OpenSshCertificate read(Path path, PublicKey hostKey, Clock clock) throws IOException {
        OpenSshCertificate cert = HostKeys.checkCertificate(path, hostKey);
        try {
            CertificateAuthenticator.checkSignature(cert);
        } catch (CertificateRefusedException e) {
            throw new IllegalArgumentException("host certificate " + path + ": " + e.getMessage()
                    + "; sign the host key again with 'ssh-keygen -s HOST_CA -h ...'", e);
        }
        long now = clock.instant().getEpochSecond();
        // validBefore is unsigned 64-bit seconds; "forever" is 2^64-1
        if (Long.compareUnsigned(cert.getValidBefore(), now) <= 0) {
            throw new IllegalArgumentException("host certificate " + path + " expired at "
                    + Instant.ofEpochSecond(cert.getValidBefore()) + "; sign the host key again with a validity"
                    + " that reaches past now ('ssh-keygen -s HOST_CA -h -V ...')");
        }
        return cert;
    }

    private static String describe(OpenSshCertificate cert) {
        String until = cert.getValidBefore() == OpenSshCertificate.INFINITY ? "forever"
                : Instant.ofEpochSecond(cert.getValidBefore()).toString();
        return "serial " + Long.toUnsignedString(cert.getSerial()) + ", id " + cert.getId().replaceAll("\\p{Cntrl}",
                "?") + ", valid until " + until;
    }
}
