package dev.postern.gateway;

import java.time.Duration;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Gives machine connections a short idle timeout (people keep the server-wide one): a machine that stops sending
 * keepalives (its network vanished without a TCP reset) goes offline within a few intervals instead of an hour.
 */
final class MachineIdleTimeout implements SessionListener {
    private final Duration timeout;

    MachineIdleTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated && session.getAttribute(GatewayLogin.KEY) instanceof GatewayLogin.Machine) {
            CoreModuleProperties.IDLE_TIMEOUT.set(session, timeout);
        }
    }
}
