package dev.postern.agent.forward;

import org.apache.sshd.common.forward.PortForwardingEventListener;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs every remote forward the agent opens or closes, with who asked for it. */
final class ForwardAuditListener implements PortForwardingEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardAuditListener.class);

    @Override
    public void establishedExplicitTunnel(Session session, SshdSocketAddress local, SshdSocketAddress remote,
                                          boolean localForwarding, SshdSocketAddress boundAddress, Throwable reason) {
        if (reason == null) {
            LOG.info("remote forward listening on {} for {}", boundAddress, GrantForwardingFilter.who(session));
        } else {
            LOG.info("remote forward {} failed for {}: {}", local, GrantForwardingFilter.who(session),
                    reason.toString());
        }
    }

    @Override
    public void tornDownExplicitTunnel(Session session, SshdSocketAddress address, boolean localForwarding,
                                       SshdSocketAddress remoteAddress, Throwable reason) {
        LOG.info("remote forward on {} closed for {}", address, GrantForwardingFilter.who(session));
    }
}
