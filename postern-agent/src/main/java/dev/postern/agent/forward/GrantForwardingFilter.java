package dev.postern.agent.forward;

import dev.postern.agent.files.UserDirectory;
import dev.postern.ssh.CertificateGrant;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwarding decisions from the session's {@link CertificateGrant}; every request is denied when there is
 * no grant.
 * <ul>
 * <li>direct-tcpip ({@code ssh -L}, {@code -W}, ProxyJump through the machine): permit-port-forwarding.</li>
 * <li>tcpip-forward ({@code ssh -R}): permit-port-forwarding and a loopback bind address; any other address
 * ("", "*", 0.0.0.0, a LAN address, a host name) is refused rather than rewritten, because OpenSSH clients
 * match forwarded-tcpip channels on the exact address they asked for; a port below 1024 only for a root login, as
 * with OpenSSH's sshd (the agent runs as root, and would otherwise bind a privileged port for anyone; port 0,
 * any free port, is fine).</li>
 * <li>agent forwarding: permit-agent-forwarding.</li>
 * <li>X11: never.</li>
 * </ul>
 */
final class GrantForwardingFilter implements ForwardingFilter {
    private static final Logger LOG = LoggerFactory.getLogger(GrantForwardingFilter.class);
    /** Ports below this are privileged: only a root login may have the (root) agent listen on them. */
    static final int FIRST_UNPRIVILEGED_PORT = 1024;

    private final UserDirectory users;

    GrantForwardingFilter(UserDirectory users) {
        this.users = users;
    }

    static boolean mayForwardPorts(Session session) {
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        return grant != null && grant.permitPortForwarding();
    }

    @Override
    public boolean canForwardAgent(Session session, String requestType) {
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        boolean ok = grant != null && grant.permitAgentForwarding();
        if (!ok) {
            LOG.info("agent forwarding refused for {}: the certificate lacks permit-agent-forwarding", who(session));
        }
        return ok;
    }

    @Override
    public boolean canForwardX11(Session session, String requestType) {
        LOG.info("X11 forwarding refused for {}: postern does not offer X11 forwarding", who(session));
        return false;
    }

    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
        if (!mayForwardPorts(session)) {
            LOG.info("remote forward {} refused for {}: the certificate lacks permit-port-forwarding", address,
                    who(session));
            return false;
        }
        if (!Loopback.isLoopback(address.getHostName())) {
            LOG.info("remote forward {} refused for {}: remote forwards bind loopback only; ask for"
                    + " 'ssh -R 127.0.0.1:PORT:...' or 'ssh -R PORT:...'", address, who(session));
            return false;
        }
        int port = address.getPort();
        if (port > 0 && port < FIRST_UNPRIVILEGED_PORT && !isRoot(session)) {
            LOG.info("remote forward {} refused for {}: only root may listen on ports below {}; ask for a port of"
                    + " {} or above, or 0 for any free one", address, who(session), FIRST_UNPRIVILEGED_PORT,
                    FIRST_UNPRIVILEGED_PORT);
            return false;
        }
        return true;
    }

    /** Whether the login is uid 0 in the agent's passwd file (an unknown login, or an unreadable file, is not). */
    private boolean isRoot(Session session) {
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        try {
            return grant != null && users.lookup(grant.login()).map(u -> u.uid() == 0).orElse(false);
        } catch (RuntimeException e) {
            LOG.warn("cannot look up {} in {}: {}", grant.login(), users, e.getMessage());
            return false;
        }
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
        if (type != Type.Direct) {
            LOG.warn("{} channel to {} refused for {}: clients may not open it", type.getName(), address, who(session));
            return false;
        }
        if (!mayForwardPorts(session)) {
            LOG.info("local forward to {} refused for {}: the certificate lacks permit-port-forwarding", address,
                    who(session));
            return false;
        }
        return true;
    }

    static String who(Session session) {
        CertificateGrant grant = session.getAttribute(CertificateGrant.KEY);
        return grant == null
                ? "unauthenticated " + session.getRemoteAddress()
                : grant.login() + " (key " + grant.keyId() + ", serial " + grant.serial() + ") from "
                        + session.getRemoteAddress();
    }
}
