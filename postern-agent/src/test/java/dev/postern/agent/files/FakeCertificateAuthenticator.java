package dev.postern.agent.files;

import dev.postern.ssh.CertificateGrant;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Test stand-in for postern-ssh's certificate authenticator: accepts user certificates of one CA whose
 * principals hold the login (MINA checks signature and validity) and stores the {@link CertificateGrant}.
 */
public final class FakeCertificateAuthenticator implements PublickeyAuthenticator {
    private final PublicKey ca;

    public FakeCertificateAuthenticator(PublicKey ca) {
        this.ca = ca;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        if (!(key instanceof OpenSshCertificate cert)
                || cert.getType() != OpenSshCertificate.Type.USER
                || !KeyUtils.compareKeys(ca, cert.getCaPubKey())
                || !cert.getPrincipals().contains(username)) {
            return false;
        }
        Map<String, String> ext = cert.getExtensionsMap();
        Optional<String> force = Optional.ofNullable(cert.getCriticalOptionsMap().get("force-command"));
        session.setAttribute(CertificateGrant.KEY, new CertificateGrant(username, cert.getId(), cert.getSerial(),
                List.copyOf(cert.getPrincipals()), force, ext.containsKey("permit-pty"),
                ext.containsKey("permit-port-forwarding"), ext.containsKey("permit-agent-forwarding"),
                ext.containsKey("permit-user-rc")));
        return true;
    }
}
