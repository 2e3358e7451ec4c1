package dev.postern.agent.tunnel;

import java.util.List;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.common.signature.Signature;

/**
 * The client "publickey" method (RFC 4252 section 7) signing with the machine's host key and offering its HOST
 * certificate. MINA's own method skips every certificate that is not a USER certificate; the Postern gateway
 * accepts a machine's host certificate as its login, so this one offers the identities as they are (the agent
 * sets exactly one: its host key with its host certificate).
 */
final class HostCertificateAuth extends UserAuthPublicKey {
    static final UserAuthPublicKeyFactory FACTORY = new UserAuthPublicKeyFactory() {
        @Override
        public UserAuthPublicKey createUserAuth(ClientSession session) {
            return new HostCertificateAuth(getSignatureFactories());
        }
    };

    HostCertificateAuth(List<NamedFactory<Signature>> factories) {
        super(factories);
    }

    @Override
    protected PublicKeyIdentity resolveAttemptedPublicKeyIdentity(ClientSession session, String service,
                                                                  PublicKeyAuthenticationReporter reporter) {
        return keys != null && keys.hasNext() ? keys.next() : null;
    }
}
