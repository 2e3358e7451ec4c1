package dev.postern.gateway;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections one login holds at the gateway at once: one person (org, e-mail) or one machine (id).
 * A connection over the cap is disconnected right after it logs in, with the reason.
 *
 * <p>Why: the limits before login end where a login succeeds, and a logged-in connection may idle for an hour
 * (a machine's for as long as it sends keepalives). One member, or one compromised machine, could otherwise log
 * in again and again until the gateway runs out of file descriptors, and no machine could dial in any more.
 */
final class LoginConnections implements SessionListener {
    private static final Logger LOG = LoggerFactory.getLogger(LoginConnections.class);
    private final int max;
    private final Map<String, Integer> open = new HashMap<>(); // guarded by this

    LoginConnections(int max) {
        this.max = max;
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        GatewayLogin login = session.getAttribute(GatewayLogin.KEY);
        if (login == null) {
            return;
        }
        String who = who(login);
        boolean admitted;
        synchronized (this) {
            int n = open.getOrDefault(who, 0);
            admitted = n < max;
            if (admitted) {
                open.put(who, n + 1);
            }
        }
        if (admitted) {
            session.addCloseFutureListener(f -> release(who));
            return;
        }
        String message = "too many connections of " + who + " at the gateway (limit " + max + "); close some";
        LOG.warn("closing a connection from {}: {}", session.getRemoteAddress(), message);
        // From another thread: this event comes while MINA holds the encode lock with USERAUTH_SUCCESS encoded but
        // not yet written, and a disconnect written from here would overtake it (the client then reads a packet
        // out of sequence, "Tag mismatch", instead of the reason). The other thread waits for the lock.
        CompletableFuture.runAsync(() -> {
            try {
                session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, message);
            } catch (IOException e) {
                session.close(true);
            }
        });
    }

    private synchronized void release(String who) {
        open.computeIfPresent(who, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static String who(GatewayLogin login) {
        if (login instanceof GatewayLogin.Machine m) {
            return "machine " + m.machine().id();
        }
        GatewayLogin.Person p = (GatewayLogin.Person) login;
        return GatewayAuthenticator.printable(p.email()) + " of org " + p.org();
    }
}
