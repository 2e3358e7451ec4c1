package dev.postern.agent.tunnel;

import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a tunnel-mode machine's short-lived host certificate fresh: from two thirds of its lifetime on, asks the
 * gateway for a new one through the tunnel ({@link TunnelClient#requestRenewal}), checks it (a HOST certificate for
 * the same key and the same names, lasting longer than the current one), writes it to the data dir and hands it
 * to {@code onRenewed} (the in-process server presents it from the next connection on) and to the tunnel (its next
 * login). The time comes from the injected clock, checked every few seconds, so a test's clock moves it too.
 * A machine that stays offline past the end has to join again; the gateway tells it so.
 */
public final class HostCertRenewer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostCertRenewer.class);
    /** How often the clock is compared with the renewal time; cheap, and bounds how late a renewal starts. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    private final TunnelClient tunnel;
    private final Path certificateFile;
    private final Consumer<OpenSshCertificate> onRenewed;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "postern-host-cert-renew");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean warned;

    private HostCertRenewer(TunnelClient tunnel, Path certificateFile, Consumer<OpenSshCertificate> onRenewed,
                            Clock clock) {
        this.tunnel = tunnel;
        this.certificateFile = certificateFile;
        this.onRenewed = onRenewed;
        this.clock = clock;
    }

    /** Starts checking in the background; {@code certificateFile} is rewritten on every renewal. */
    public static HostCertRenewer start(TunnelClient tunnel, Path certificateFile,
                                        Consumer<OpenSshCertificate> onRenewed, Clock clock) {
        HostCertRenewer r = new HostCertRenewer(tunnel, certificateFile, onRenewed, clock);
        r.timer.scheduleWithFixedDelay(r::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return r;
    }

    /** When {@code cert} is due: two thirds into its validity (never for a certificate valid forever). */
    static Optional<Instant> renewAt(OpenSshCertificate cert) {
        long after = cert.getValidAfter();
        long before = cert.getValidBefore();
        if (before == OpenSshCertificate.INFINITY || before < 0 || before <= after) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(after + (before - after) * 2 / 3));
    }

    void check() {
        OpenSshCertificate current = tunnel.certificate();
        Optional<Instant> due = renewAt(current);
        if (due.isEmpty() || clock.instant().isBefore(due.get()) || !tunnel.isOnline()) {
            return;
        }
        try {
            Optional<String> line = tunnel.requestRenewal();
            if (line.isEmpty()) {
                warnOnce("the gateway refused to renew the host certificate (valid until "
                        + Instant.ofEpochSecond(current.getValidBefore()) + "); the gateway log says why");
                return;
            }
            OpenSshCertificate renewed = checked(OpenSshKeys.parsePublicKey(line.get()), current);
            write(certificateFile, line.get().strip() + "\n");
            tunnel.useCertificate(renewed);
            onRenewed.accept(renewed);
            warned = false;
            LOG.info("host certificate renewed: serial {} valid until {}", Long.toUnsignedString(renewed.getSerial()),
                    Instant.ofEpochSecond(renewed.getValidBefore()));
        } catch (IOException | RuntimeException e) {
            warnOnce("cannot renew the host certificate: " + e.getMessage());
        }
    }

    /** The reply came over the pinned gateway connection; still, take only what fits the current certificate. */
    static OpenSshCertificate checked(java.security.PublicKey key, OpenSshCertificate current) {
        if (!(key instanceof OpenSshCertificate cert) || cert.getType() != OpenSshCertificate.Type.HOST) {
            throw new IllegalArgumentException("the gateway answered with something other than a host certificate");
        }
        if (!KeyUtils.compareKeys(cert.getCertPubKey(), current.getCertPubKey())) {
            throw new IllegalArgumentException("the renewed certificate is for another key");
        }
        if (!new HashSet<>(cert.getPrincipals()).equals(new HashSet<>(current.getPrincipals()))) {
            throw new IllegalArgumentException("the renewed certificate names " + cert.getPrincipals() + ", not "
                    + current.getPrincipals());
        }
        if (Long.compareUnsigned(cert.getValidBefore(), current.getValidBefore()) <= 0) {
            throw new IllegalArgumentException("the renewed certificate ends no later than the current one");
        }
        return cert;
    }

    private void warnOnce(String message) {
        if (!warned) {
            LOG.warn(message);
            warned = true;
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
