package dev.postern.ssh;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * Plain-word reasons for refused channels. MINA 2.16 answers every channel whose factory fails with
 * "Generic error while opening channel: N", whatever the exception says; code that refuses a channel records
 * its reason here first, and the connection service of a server locked down by {@link ServerSetup} sends it
 * in SSH_MSG_CHANNEL_OPEN_FAILURE (RFC 4254 section 5.1) instead, e.g. "open failed: administratively
 * prohibited: port forwarding is not permitted by your certificate".
 *
 * <pre>{@code
 * ChannelRefusals.record(session, clientChannelId, "port forwarding is not permitted by your certificate");
 * throw new IOException("refused");   // MINA then sends the failure, with the reason above
 * }</pre>
 */
public final class ChannelRefusals {
    private static final AttributeKey<Map<Long, String>> REFUSALS = new AttributeKey<>();

    private ChannelRefusals() {
    }

    /** Remembers why the channel the client numbers {@code clientChannelId} is being refused. */
    public static void record(Session session, long clientChannelId, String reason) {
        Objects.requireNonNull(reason, "reason");
        session.computeAttributeIfAbsent(REFUSALS, k -> new ConcurrentHashMap<>()).put(clientChannelId, reason);
    }

    /** The recorded reason for {@code clientChannelId}, removed, or {@code fallback} when none was recorded. */
    public static String take(Session session, long clientChannelId, String fallback) {
        Map<Long, String> refusals = session.getAttribute(REFUSALS);
        String reason = refusals == null ? null : refusals.remove(clientChannelId);
        return reason == null ? fallback : reason;
    }
}
