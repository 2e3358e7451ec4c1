package dev.postern.ssh;

import java.security.PublicKey;
import java.security.SignatureException;
import java.util.Collection;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.signature.SignatureFactoriesManager;
import org.apache.sshd.common.util.ValidateUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.UserAuth;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.session.ServerSession;

/**
 * The "publickey" method (RFC 4252 section 7) with certificate checks left entirely to the
 * {@link PublickeyAuthenticator}.
 *
 * <p>Why not MINA's {@link UserAuthPublicKey}: for certificates it first checks type, validity, CA signature
 * and source-address itself, and its validity check uses the JVM wall clock with no skew allowance. A
 * certificate valid only thanks to our allowance would then be refused before our authenticator runs, and
 * tests with an injected clock could not work. This copy keeps the protocol part (PK_OK, verifying the
 * request signature with the certified key) and nothing else; {@link CertificateAuthenticator} does every
 * certificate check, including the CA signature.
 */
final class CertificateUserAuth extends UserAuthPublicKey {
    /** Factory registering this method under the standard name "publickey". */
    static final UserAuthFactory FACTORY = new UserAuthFactory() {
        @Override
        public String getName() {
            return UserAuthPublicKey.NAME;
        }

        @Override
        public UserAuth createUserAuth(ServerSession session) {
            return new CertificateUserAuth();
        }
    };

    @Override
    public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        ValidateUtils.checkTrue(init, "Instance not initialized");
        ServerSession session = getServerSession();
        String username = getUsername();

        boolean hasSig = buffer.getBoolean();
        String alg = buffer.getString();
        int oldLim = buffer.wpos();
        int oldPos = buffer.rpos();
        int len = buffer.getInt();
        int remaining = buffer.available();
        if (len < 0 || len > remaining) {
            throw new IndexOutOfBoundsException("Illogical public key length (" + len + ") for algorithm=" + alg);
        }
        buffer.wpos(buffer.rpos() + len);
        PublicKey key = buffer.getRawPublicKey();
        // Like sshd: the announced algorithm must name the key's type (e.g. a cert blob under a cert alg).
        if (!KeyUtils.getKeyType(key).equals(KeyUtils.getCanonicalKeyType(alg))) {
            log.debug("doAuth({}@{}) algorithm {} does not match key type {}", username, session, alg,
                    KeyUtils.getKeyType(key));
            return Boolean.FALSE;
        }
        PublicKey verifyKey = key instanceof OpenSshCertificate ? ((OpenSshCertificate) key).getCertPubKey() : key;

        Collection<NamedFactory<Signature>> factories = ValidateUtils.checkNotNullAndNotEmpty(
                SignatureFactoriesManager.resolveSignatureFactories(this, session),
                "No signature factories for session=%s", session);
        Signature verifier = NamedFactory.create(factories, alg);
        if (verifier == null) {
            log.debug("doAuth({}@{}) algorithm {} not allowed", username, session, alg);
            return Boolean.FALSE;
        }
        verifier.initVerifier(session, verifyKey);
        buffer.wpos(oldLim);
        byte[] sig = hasSig ? buffer.getBytes() : null;

        PublickeyAuthenticator authenticator = session.getPublickeyAuthenticator();
        if (authenticator == null || !authenticator.authenticate(username, key, session)) {
            return Boolean.FALSE;
        }
        if (!hasSig) {
            sendPublicKeyResponse(session, username, alg, key, buffer.array(), oldPos, 4 + len, buffer);
            return null;
        }
        buffer.rpos(oldPos);
        buffer.wpos(oldPos + 4 + len);
        if (!verifySignature(session, username, alg, key, buffer, verifier, sig)) {
            throw new SignatureException("Key verification failed");
        }
        return Boolean.TRUE;
    }
}
