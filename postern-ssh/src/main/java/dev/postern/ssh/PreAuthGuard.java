package dev.postern.ssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionDisconnectHandler;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps connections that have not logged in from using up a server: refuses a source address after too many failed
 * logins, and refuses connections beyond the per-source and total caps on unauthenticated connections
 * ({@link PreAuthLimits}); counts those refusals and the connections closed by the auth timeout. A refused
 * connection gets an SSH disconnect message naming the limit, which OpenSSH shows ("Received disconnect from
 * ...: too many failed logins from 127.0.0.5; try again later"), and costs no key exchange ({@link PreAuthRefusal}).
 *
 * <p>Installed by {@link ServerSetup#guardPreAuth}; the session factory that {@link ServerSetup#lockDown} sets
 * asks it to {@link #admit} every new TCP connection. Connections that are not TCP sockets (SSH over a tunnel
 * channel) are not limited.
 */
public final class PreAuthGuard implements SessionListener, SessionDisconnectHandler {
    /** Why a connection was refused or closed before login; {@link #tag()} is the metrics label. */
    public enum Reason {
        FAILED_LOGINS("failed-logins"),
        PER_SOURCE_CAP("per-source-cap"),
        TOTAL_CAP("total-cap"),
        AUTH_TIMEOUT("auth-timeout");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** Server attribute under which {@link ServerSetup#guardPreAuth} leaves the guard for the session factory. */
    static final AttributeKey<PreAuthGuard> KEY = new AttributeKey<>();
    private static final AttributeKey<Admission> ADMISSION = new AttributeKey<>();
    private static final Logger LOG = LoggerFactory.getLogger(PreAuthGuard.class);
    private static final Duration WARN_EVERY = Duration.ofSeconds(10);

    /** A connection from {@code source} counted until it logs in or closes ({@code released}). */
    static final class Admission {
        final InetAddress source;
        final AtomicBoolean released = new AtomicBoolean();
        volatile boolean keysExchanged;

        Admission(InetAddress source) {
            this.source = source;
        }
    }

    private final PreAuthLimits limits;
    private final Clock clock;
    private final FailedLogins failures;
    private final Map<InetAddress, Integer> unauthenticated = new HashMap<>(); // guarded by this
    private int unauthenticatedTotal; // guarded by this
    private final Map<Reason, LongAdder> refused = new EnumMap<>(Reason.class);
    private final Map<Reason, Instant> lastWarning = new EnumMap<>(Reason.class); // guarded by itself

    PreAuthGuard(PreAuthLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.failures = new FailedLogins(limits.maxFailuresPerSource(), limits.failureWindow());
        for (Reason r : Reason.values()) {
            refused.put(r, new LongAdder());
        }
    }

    /** How many connections were refused (or, for {@link Reason#AUTH_TIMEOUT}, closed) for {@code reason}. */
    public long refused(Reason reason) {
        return refused.get(reason).sum();
    }

    /**
     * Called once per new TCP connection, before its SSH session exists: counts it as not logged in yet, or
     * refuses it ({@link PreAuthRefusal}) when its source or the server is over a limit.
     *
     * @return the connection's place in the counts, or null when it was refused
     */
    Admission admit(IoSession io) {
        InetAddress source = sourceOf(io.getRemoteAddress());
        if (source == null) {
            Admission uncounted = new Admission(null);
            uncounted.released.set(true);
            return uncounted;
        }
        Admitted admitted = admit(source);
        if (admitted.refusal() != null) {
            refused.get(admitted.refusal()).increment();
            warnNowAndThen(admitted.refusal(), "refused SSH connection from {}: {}", source.getHostAddress(),
                    admitted.message());
            PreAuthRefusal.send(io, admitted.message());
            return null;
        }
        return admitted.admission();
    }

    /** A connection counted ({@code admission}), or refused for {@code refusal} with {@code message}. */
    record Admitted(Admission admission, Reason refusal, String message) {
    }

    /** {@link #admit(IoSession)}'s decision for a connection from {@code address}, counted by its prefix. */
    Admitted admit(InetAddress address) {
        InetAddress source = SourcePrefix.of(address);
        String named = SourcePrefix.describe(source);
        synchronized (this) {
            int fromSource = unauthenticated.getOrDefault(source, 0);
            if (failures.blocked(source, clock.instant())) {
                return new Admitted(null, Reason.FAILED_LOGINS, "too many failed logins from " + named
                        + "; try again later");
            } else if (fromSource >= limits.maxUnauthenticatedPerSource()) {
                return new Admitted(null, Reason.PER_SOURCE_CAP, "too many connections not logged in from " + named
                        + " (limit " + limits.maxUnauthenticatedPerSource() + ")");
            } else if (unauthenticatedTotal >= limits.maxUnauthenticated()) {
                return new Admitted(null, Reason.TOTAL_CAP, "too many connections not logged in (limit "
                        + limits.maxUnauthenticated() + ")");
            }
            unauthenticated.put(source, fromSource + 1);
            unauthenticatedTotal++;
            return new Admitted(new Admission(source), null, null);
        }
    }

    /** Follows the SSH session of an admitted connection until it logs in or closes. */
    void track(Session session, Admission admission) {
        session.setAttribute(ADMISSION, admission);
        session.addCloseFutureListener(f -> closed(session, admission));
    }

    /** Gives back the place of an admitted connection whose SSH session could not be created. */
    void abandon(Admission admission) {
        release(admission);
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        Admission admission = session.getAttribute(ADMISSION);
        if (admission == null) {
            return;
        }
        if (event == Event.KexCompleted) {
            admission.keysExchanged = true;
        } else if (event == Event.Authenticated) {
            release(admission);
        }
    }

    private void closed(Session session, Admission admission) {
        if (release(admission) && admission.keysExchanged && !session.isAuthenticated()) {
            boolean nowBlocked;
            synchronized (this) {
                nowBlocked = failures.record(admission.source, clock.instant());
            }
            if (nowBlocked) {
                LOG.warn("{} failed logins from {} within {}: refusing its connections for a while",
                        limits.maxFailuresPerSource(), SourcePrefix.describe(admission.source), limits.failureWindow());
            }
        }
    }

    /** Stops counting the connection as unauthenticated; true the first time. */
    private boolean release(Admission admission) {
        if (!admission.released.compareAndSet(false, true)) {
            return false;
        }
        synchronized (this) {
            unauthenticated.computeIfPresent(admission.source, (k, n) -> n <= 1 ? null : n - 1);
            unauthenticatedTotal--;
        }
        return true;
    }

    @Override
    public boolean handleTimeoutDisconnectReason(Session session, TimeoutIndicator timeout) throws IOException {
        if (timeout.getStatus() == TimeoutIndicator.TimeoutStatus.AuthTimeout && !session.isAuthenticated()) {
            refused.get(Reason.AUTH_TIMEOUT).increment();
            InetAddress source = sourceOf(session.getRemoteAddress());
            String message = "no login within " + seconds(timeout.getThresholdValue()) + "; connect again";
            warnNowAndThen(Reason.AUTH_TIMEOUT, "closing SSH connection from {}: {}",
                    source == null ? String.valueOf(session.getRemoteAddress()) : source.getHostAddress(), message);
            // our words: MINA disconnects with PROTOCOL_ERROR, which reaches the client as "Protocol error or
            // corrupt packet"
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, message);
            return true;
        }
        return false;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Logs at WARN at most every ten seconds per reason (a flood must not flood the log), else at DEBUG. */
    private void warnNowAndThen(Reason reason, String format, Object a, Object b) {
        Instant now = clock.instant();
        boolean warn;
        synchronized (lastWarning) {
            Instant last = lastWarning.get(reason);
            warn = last == null || !now.isBefore(last.plus(WARN_EVERY));
            if (warn) {
                lastWarning.put(reason, now);
            }
        }
        if (warn) {
            LOG.warn(format, a, b);
        } else {
            LOG.debug(format, a, b);
        }
    }

    private static InetAddress sourceOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress() : null;
    }
}
