package dev.postern.ssh;

import dev.postern.common.AppScope;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.OpenSshCertificate.CertificateOption;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a login only with an OpenSSH user certificate signed by a trusted user CA, and records what the
 * certificate allows as a {@link CertificateGrant} on the session under {@link CertificateGrant#KEY} (and the
 * certificate itself under {@link CertificateGrant#CERTIFICATE}, to re-check revocation later).
 *
 * <p>Checks, in order: a certificate at all (plain keys are refused by name), USER type, signing CA among
 * {@link TrustPolicy#trustedCaKeys()}, CA signature, validity window with {@link TrustPolicy#clockSkew()},
 * principals non-empty and containing the login, critical options limited to {@code force-command} and
 * {@code source-address}, source address, revocation. Every check is done here even where MINA does it
 * too, so this class is the single place that decides; see {@link ServerSetup} for why MINA's own
 * validity check is switched off. A refusal gives the client the normal authentication failure and the
 * log one line with the reason, key id, serial and client address (never key material).
 *
 * <p>MINA calls this twice per login (the key query, then the signed request); it does no I/O.
 */
public final class CertificateAuthenticator implements PublickeyAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthenticator.class);
    static final String FORCE_COMMAND = "force-command";
    static final String SOURCE_ADDRESS = "source-address";
    private static final Set<String> KNOWN_CRITICAL_OPTIONS = Set.of(FORCE_COMMAND, SOURCE_ADDRESS);
    // CA signature algorithms accepted, as OpenSSH's default CASignatureAlgorithms (no SHA-1 "ssh-rsa").
    private static final Map<String, BuiltinSignatures> CA_SIGNATURES = Map.of(
            "ssh-ed25519", BuiltinSignatures.ed25519,
            "ecdsa-sha2-nistp256", BuiltinSignatures.nistp256,
            "ecdsa-sha2-nistp384", BuiltinSignatures.nistp384,
            "ecdsa-sha2-nistp521", BuiltinSignatures.nistp521,
            "rsa-sha2-256", BuiltinSignatures.rsaSHA256,
            "rsa-sha2-512", BuiltinSignatures.rsaSHA512);

    private final TrustPolicy policy;
    private final Optional<String> app;

    /** An authenticator that takes certificates for any app (a jump host, or a server that knows no app). */
    public CertificateAuthenticator(TrustPolicy policy) {
        this(policy, Optional.empty());
    }

    /**
     * An authenticator for a server of {@code app}: besides every other check, the certificate's
     * {@value AppScope#EXTENSION} extension must name the app (or {@value AppScope#ALL}); a certificate without
     * the extension is refused too. With no app, the extension is not looked at.
     */
    public CertificateAuthenticator(TrustPolicy policy, Optional<String> app) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
        this.app = java.util.Objects.requireNonNull(app, "app");
    }

    public TrustPolicy policy() {
        return policy;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        SocketAddress remote = session.getRemoteAddress();
        try {
            CertificateGrant grant = check(username, key, remote);
            session.setAttribute(CertificateGrant.KEY, grant);
            session.setAttribute(CertificateGrant.CERTIFICATE, (OpenSshCertificate) key);
            return true;
        } catch (CertificateRefusedException e) {
            session.removeAttribute(CertificateGrant.KEY);
            session.removeAttribute(CertificateGrant.CERTIFICATE);
            logRefusal(username, key, remote, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            // A broken supplier or an odd key must never let anyone in, nor kill the connection thread.
            session.removeAttribute(CertificateGrant.KEY);
            session.removeAttribute(CertificateGrant.CERTIFICATE);
            logRefusal(username, key, remote, "internal error: " + e);
            return false;
        }
    }

    /**
     * Runs every check on {@code key} for {@code login} connecting from {@code remote}; usable without a
     * session (e.g. by the gateway before it opens a channel).
     *
     * @return what the certificate allows
     * @throws CertificateRefusedException with the reason, for the log
     */
    public CertificateGrant check(String login, PublicKey key, SocketAddress remote) throws CertificateRefusedException {
        if (!(key instanceof OpenSshCertificate)) {
            throw new CertificateRefusedException("plain public key " + KeyUtils.getKeyType(key)
                    + " refused: only certificates signed by the user CA are accepted");
        }
        OpenSshCertificate cert = (OpenSshCertificate) key;
        if (cert.getType() != OpenSshCertificate.Type.USER) {
            throw new CertificateRefusedException("not a user certificate (type " + cert.getType() + ")");
        }
        checkTrustedCa(cert);
        checkSignature(cert);
        checkValidity(cert);
        List<String> principals = List.copyOf(cert.getPrincipals());
        if (principals.isEmpty()) {
            throw new CertificateRefusedException("certificate has no principals");
        }
        if (!principals.contains(login)) {
            throw new CertificateRefusedException("login \"" + login + "\" is not a principal " + principals);
        }
        Optional<String> forceCommand = checkCriticalOptions(cert, remote);
        if (app.isPresent()) {
            checkApp(cert, app.get());
        }
        if (policy.revocations().get().isRevoked(cert)) {
            throw new CertificateRefusedException("certificate is revoked");
        }
        Set<String> ext = extensionNames(cert);
        return new CertificateGrant(login, cert.getId(), cert.getSerial(), principals, forceCommand,
                ext.contains("permit-pty"), ext.contains("permit-port-forwarding"),
                ext.contains("permit-agent-forwarding"), ext.contains("permit-user-rc"));
    }

    private void checkTrustedCa(OpenSshCertificate cert) throws CertificateRefusedException {
        PublicKey ca = cert.getCaPubKey();
        Collection<PublicKey> trusted = policy.trustedCaKeys().get();
        for (PublicKey k : trusted) {
            if (KeyUtils.compareKeys(k, ca)) {
                return;
            }
        }
        throw new CertificateRefusedException("signed by an untrusted CA " + KeyUtils.getFingerPrint(ca));
    }

    // package-private: host certificates read from a file are checked the same way (HostCertFile)
    static void checkSignature(OpenSshCertificate cert) throws CertificateRefusedException {
        String sigAlg = cert.getSignatureAlgorithm();
        BuiltinSignatures factory = sigAlg == null ? null : CA_SIGNATURES.get(sigAlg);
        PublicKey ca = cert.getCaPubKey();
        if (factory == null || !KeyUtils.getKeyType(ca).equals(KeyUtils.getCanonicalKeyType(sigAlg))) {
            throw new CertificateRefusedException("CA signature algorithm " + sigAlg + " not accepted for a "
                    + KeyUtils.getKeyType(ca) + " CA key");
        }
        try {
            Signature verifier = factory.create();
            verifier.initVerifier(null, ca);
            verifier.update(null, cert.getMessage());
            if (!verifier.verify(null, cert.getSignature())) {
                throw new CertificateRefusedException("CA signature does not verify");
            }
        } catch (CertificateRefusedException e) {
            throw e;
        } catch (Exception e) {
            throw new CertificateRefusedException("CA signature does not verify: " + e.getMessage());
        }
    }

    private void checkValidity(OpenSshCertificate cert) throws CertificateRefusedException {
        long now = policy.clock().instant().getEpochSecond();
        long skew = policy.clockSkew().getSeconds();
        // validAfter/validBefore are unsigned 64-bit seconds; "forever" is 2^64-1.
        if (Long.compareUnsigned(cert.getValidAfter(), now + skew) > 0) {
            throw new CertificateRefusedException("certificate not yet valid (valid after "
                    + Long.toUnsignedString(cert.getValidAfter()) + ", now " + now + ", skew " + skew + "s)");
        }
        if (Long.compareUnsigned(Math.max(0, now - skew), cert.getValidBefore()) >= 0) {
            throw new CertificateRefusedException("certificate expired (valid before "
                    + Long.toUnsignedString(cert.getValidBefore()) + ", now " + now + ", skew " + skew + "s)");
        }
    }

    private static Optional<String> checkCriticalOptions(OpenSshCertificate cert, SocketAddress remote)
            throws CertificateRefusedException {
        String forceCommand = null;
        for (CertificateOption option : cert.getCriticalOptions()) {
            String name = option.getName();
            if (!KNOWN_CRITICAL_OPTIONS.contains(name)) {
                throw new CertificateRefusedException("unknown critical option \"" + name + "\"");
            }
            if (FORCE_COMMAND.equals(name)) {
                forceCommand = option.getData();
            } else if (SOURCE_ADDRESS.equals(name)) {
                InetAddress client = remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getAddress() : null;
                if (client == null) {
                    throw new CertificateRefusedException("source-address restricted but client address unknown");
                }
                if (!SourceAddresses.matches(option.getData(), client)) {
                    throw new CertificateRefusedException("source-address \"" + option.getData()
                            + "\" does not allow " + client.getHostAddress());
                }
            }
        }
        return Optional.ofNullable(forceCommand);
    }

    /** The certificate must name this server's app: a member's certificate for another app is no key to this one. */
    private static void checkApp(OpenSshCertificate cert, String app) throws CertificateRefusedException {
        Optional<String> value = Optional.empty();
        for (CertificateOption option : cert.getExtensions()) {
            if (AppScope.EXTENSION.equals(option.getName())) {
                value = Optional.ofNullable(option.getData());
            }
        }
        if (value.isEmpty()) {
            throw new CertificateRefusedException("certificate names no apps (" + AppScope.EXTENSION + " missing);"
                    + " this machine serves app " + app);
        }
        if (!AppScope.allows(value.get(), app)) {
            throw new CertificateRefusedException("certificate is for apps " + value.get() + ", not " + app);
        }
    }

    private static Set<String> extensionNames(OpenSshCertificate cert) {
        java.util.HashSet<String> names = new java.util.HashSet<>();
        for (CertificateOption option : cert.getExtensions()) {
            names.add(option.getName());
        }
        return names;
    }

    private static void logRefusal(String login, PublicKey key, SocketAddress remote, String reason) {
        String from = remote instanceof InetSocketAddress
                ? ((InetSocketAddress) remote).getAddress().getHostAddress() : String.valueOf(remote);
        if (key instanceof OpenSshCertificate) {
            OpenSshCertificate cert = (OpenSshCertificate) key;
            LOG.warn("auth refused: {}; login={} key_id=\"{}\" serial={} from={}", printable(reason), printable(login),
                    printable(cert.getId()),
                    Long.toUnsignedString(cert.getSerial()), from);
        } else {
            LOG.warn("auth refused: {}; login={} key={} from={}", printable(reason), printable(login), KeyUtils.getFingerPrint(key),
                    from);
        }
    }

    // Key ids and logins come from the client: keep them from forging extra log lines.
    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
