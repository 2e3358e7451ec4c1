package dev.postern.cli.connect;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * Remembers why a {@link MachineConnection} ended, in words for the person: the first of both hops' disconnect
 * messages and errors (a dead gateway also ends the machine hop that runs through it; the first cause is the one
 * worth telling).
 */
final class EndReason implements SessionListener {
    private final String hop;
    private final String closed;
    private final AtomicReference<String> first;

    private EndReason(String hop, String closed, AtomicReference<String> first) {
        this.hop = hop;
        this.closed = closed;
        this.first = first;
    }

    /** One listener per hop, sharing what they record. */
    static EndReason[] forHops(String gateway, String machine, AtomicReference<String> first) {
        return new EndReason[] {new EndReason(gateway, gateway + " closed the connection", first),
            // the machine hop runs in a channel of the gateway's: its stream ending without a word from the machine
            // is the gateway closing that channel
            new EndReason(machine, "the gateway closed the way to " + machine
                    + " (the machine went offline, or the gateway dropped it)", first)};
    }

    @Override
    public void sessionException(Session session, Throwable t) {
        String m = String.valueOf(t.getMessage());
        first.compareAndSet(null, m.contains("heartbeat requests without reply")
                ? hop + " stopped answering keepalives (" + m + ")"
                : hop + " failed: " + m);
    }

    @Override
    public void sessionDisconnect(Session session, int reason, String msg, String language, boolean initiator) {
        if (!initiator) {
            first.compareAndSet(null, hop + " closed the connection" + (msg == null || msg.isBlank() ? "" : ": " + msg));
        }
    }

    @Override
    public void sessionClosed(Session session) {
        first.compareAndSet(null, closed);
    }
}
