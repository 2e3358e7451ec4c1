package dev.postern.ssh;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * Why a session tunnelled to the agent is being ended by the gateway (a member removed, the machine removed, the
 * gateway shutting down), so the agent's audit line can say so. The gateway sends the channel request
 * {@value #REQUEST} (RFC 4254 section 5.4, want-reply false, one string: the reason) on the tunnel channel just
 * before closing it; the channel stores the reason on the SSH session it carries under {@link #KEY}.
 */
public final class SessionEndReason {
    /** The channel request's name; the gateway and the agent share it. */
    public static final String REQUEST = "end-reason@postern.dev";
    // A holder, not the string: MINA clears a session's attributes when it closes, before the agent writes its
    // session.end line; whoever audits takes the holder while the session is open and reads it at the end.
    private static final AttributeKey<AtomicReference<String>> KEY = new AttributeKey<>();
    private static final int MAX = 200;

    private SessionEndReason() {
    }

    /**
     * Where the reason for ending {@code session} will be, once the gateway gives one. Take it while the session
     * is open (e.g. when a command starts) and read it when the session ends.
     */
    public static AtomicReference<String> holder(Session session) {
        return session.computeAttributeIfAbsent(KEY, k -> new AtomicReference<>());
    }

    /** The reason held, if any. */
    public static Optional<String> of(AtomicReference<String> holder) {
        return Optional.ofNullable(holder == null ? null : holder.get());
    }

    /** The reason as stored: printable, at most 200 characters (it comes from the peer). */
    static String clean(String reason) {
        String r = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", "?");
        return r.length() > MAX ? r.substring(0, MAX) : r;
    }
}
