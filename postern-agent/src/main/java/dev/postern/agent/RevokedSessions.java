package dev.postern.agent;

import dev.postern.agent.session.AuditLog;
import dev.postern.agent.session.AuditRecord;
import dev.postern.ssh.CertificateGrant;
import dev.postern.ssh.RevocationList;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends live connections whose certificate the current revocation list revokes. A revocation otherwise only
 * stops new logins, and on an agent reached directly ({@code --listen}) no gateway would end the sessions
 * already open. Every connection of the server is tracked, listening or in-process (tunnel) alike; once a
 * {@link #INTERVAL} the list is fetched (the {@code RevocationFile} re-reads its file when it changed, which is
 * also where a pushed or polled list lands) and every connection's certificate is checked against it. Checking
 * all of them each time, not only when the list changes, also catches a login that was let in by the previous
 * list while the new one was being read. A connection whose CA the trusted user CA file no longer holds ends
 * the same way: taking a compromised CA out of the file must not leave its logins open.
 *
 * <p>The client gets an SSH disconnect with the reason {@value #REASON} (or {@value #UNTRUSTED}); the audit log
 * gets a {@code session.revoked} line.
 */
final class RevokedSessions implements SessionListener, AutoCloseable {
    static final String REASON = "certificate revoked";
    /** When the user CA file no longer holds the certificate's CA (the admin or the poller replaced it). */
    static final String UNTRUSTED = "certificate authority no longer trusted";
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(RevokedSessions.class);

    private final Set<Session> live = ConcurrentHashMap.newKeySet();
    private final Supplier<RevocationList> revocations;
    private final Supplier<List<PublicKey>> trustedCas;
    private final AuditLog audit;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "postern-revoked-sessions");
        t.setDaemon(true);
        return t;
    });

    private RevokedSessions(Supplier<RevocationList> revocations, Supplier<List<PublicKey>> trustedCas,
                            AuditLog audit) {
        this.revocations = revocations;
        this.trustedCas = trustedCas;
        this.audit = audit;
    }

    /**
     * Tracks {@code server}'s connections (install before it serves any) and checks them once a second against
     * the revocation list and the trusted user CA keys.
     */
    static RevokedSessions install(SshServer server, Supplier<RevocationList> revocations,
                                   Supplier<List<PublicKey>> trustedCas, AuditLog audit) {
        RevokedSessions closer = new RevokedSessions(revocations, trustedCas, audit);
        server.addSessionListener(closer);
        closer.timer.scheduleWithFixedDelay(closer::check, INTERVAL.toMillis(), INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        return closer;
    }

    @Override
    public void sessionCreated(Session session) {
        live.add(session);
    }

    @Override
    public void sessionClosed(Session session) {
        live.remove(session);
    }

    void check() {
        try {
            RevocationList list = revocations.get();
            List<PublicKey> cas = trustedCas.get();
            for (Session session : live) {
                OpenSshCertificate cert = session.getAttribute(CertificateGrant.CERTIFICATE);
                if (cert == null || !session.isOpen()) {
                    continue;
                }
                String reason = reasonToEnd(cert, list, cas);
                if (reason != null && live.remove(session)) {
                    end(session, reason);
                }
            }
        } catch (RuntimeException e) {
            // an exception would cancel the schedule: keep checking
            LOG.error("checking live sessions against the revocation list failed", e);
        }
    }

    private static String reasonToEnd(OpenSshCertificate cert, RevocationList list, List<PublicKey> cas) {
        if (list.isRevoked(cert)) {
            return REASON;
        }
        // a CA taken out of the trusted file ends its logins as a revocation would: none may outlive it
        boolean trusted = cas.stream().anyMatch(ca -> KeyUtils.compareKeys(ca, cert.getCaPubKey()));
        return trusted ? null : UNTRUSTED;
    }

    private void end(Session session, String reason) {
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        audit.write(new AuditRecord().put("event", "session.revoked")
                .put("keyId", grant == null ? null : grant.keyId())
                .put("serial", grant == null ? null : grant.serial())
                .put("principal", grant == null ? null : grant.login())
                .put("source", String.valueOf(session.getRemoteAddress()))
                .put("reason", reason));
        LOG.warn("ending the connection of {} (key {}, serial {}) from {}: {}", grant == null ? "?" : grant.login(),
                grant == null ? "?" : printable(grant.keyId()), grant == null ? "?" : Long.toUnsignedString(grant.serial()),
                session.getRemoteAddress(), reason);
        try {
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, reason);
        } catch (IOException | RuntimeException e) {
            session.close(true);
        }
    }

    // key ids come from the certificate's holder: keep them from forging log lines
    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
