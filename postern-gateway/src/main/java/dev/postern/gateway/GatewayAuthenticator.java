package dev.postern.gateway;

import dev.postern.ssh.CertificateAuthenticator;
import dev.postern.ssh.CertificateRefusedException;
import dev.postern.ssh.TrustPolicy;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides gateway logins. A HOST certificate logs a machine in (user name = machine id); a USER certificate logs
 * a person in (user name ignored: the gateway is a jump host, the agent checks the login on the machine). Plain
 * keys are refused by name. The result is left on the session under {@link GatewayLogin#KEY}.
 */
final class GatewayAuthenticator implements PublickeyAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayAuthenticator.class);
    private static final String KEY_ID_PREFIX = "postern:";

    private final GatewayDirectory directory;
    private final Clock clock;

    /** Concurrent connections one machine's tunnel carries. */
    static final int MACHINE_CHANNELS = 4096;

    GatewayAuthenticator(GatewayDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        try {
            GatewayLogin login = check(username, key, session.getRemoteAddress());
            session.setAttribute(GatewayLogin.KEY, login);
            if (login instanceof GatewayLogin.Machine) {
                // The gateway opens one channel on a machine's tunnel per person connected to it; the
                // per-connection limit for people must not cap how many people a machine serves at once.
                CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(session, MACHINE_CHANNELS);
            }
            return true;
        } catch (CertificateRefusedException e) {
            session.removeAttribute(GatewayLogin.KEY);
            refused(username, key, session.getRemoteAddress(), e.getMessage());
            if (key instanceof OpenSshCertificate c && c.getType() == OpenSshCertificate.Type.HOST) {
                // an agent cannot read a publickey failure: tell it why and what to do, then hang up
                SessionEndings.disconnect(session, "Postern: tunnel login refused: " + e.getMessage());
            }
            return false;
        } catch (RuntimeException e) {
            session.removeAttribute(GatewayLogin.KEY);
            refused(username, key, session.getRemoteAddress(), "internal error: " + e);
            return false;
        }
    }

    GatewayLogin check(String username, PublicKey key, SocketAddress remote) throws CertificateRefusedException {
        if (!(key instanceof OpenSshCertificate)) {
            throw new CertificateRefusedException("plain public key " + KeyUtils.getKeyType(key)
                    + " refused: the gateway accepts only Postern certificates");
        }
        OpenSshCertificate cert = (OpenSshCertificate) key;
        return cert.getType() == OpenSshCertificate.Type.HOST ? machine(username, cert) : person(cert, remote);
    }

    private GatewayLogin machine(String machineId, OpenSshCertificate cert) throws CertificateRefusedException {
        String rejoin = "join again as a new machine: an empty --data dir and a new join token ('postern tokens"
                + " create machine --app ";
        MachineRecord machine = directory.machine(machineId)
                .orElseThrow(() -> new CertificateRefusedException("machine \"" + printable(machineId)
                        + "\" is unknown or was removed; " + rejoin + "APP')"));
        long now = clock.instant().getEpochSecond();
        if (Long.compareUnsigned(Math.max(0, now - TrustPolicy.DEFAULT_CLOCK_SKEW.getSeconds()),
                cert.getValidBefore()) >= 0) {
            // offline past its certificate's end: it could not renew, so only a new join brings it back
            throw new CertificateRefusedException("host certificate of machine " + machine.id() + " expired at "
                    + java.time.Instant.ofEpochSecond(cert.getValidBefore()) + " (the machine was offline too long"
                    + " to renew it); join again with a new join token: 'postern tokens create machine --app "
                    + machine.app() + "'");
        }
        HostCertificateCheck.check(cert, directory.hostCaKeys(machine.org()), machine.hostName(), clock,
                TrustPolicy.DEFAULT_CLOCK_SKEW);
        if (directory.revocations(machine.org()).isRevoked(cert)) {
            throw new CertificateRefusedException("host certificate of machine " + machine.id() + " is revoked; "
                    + rejoin + machine.app() + "')");
        }
        return new GatewayLogin.Machine(machine, cert);
    }

    private GatewayLogin person(OpenSshCertificate cert, SocketAddress remote) throws CertificateRefusedException {
        String org = directory.userCaOrg(cert.getCaPubKey())
                .orElseThrow(() -> new CertificateRefusedException("signed by an unknown CA "
                        + KeyUtils.getFingerPrint(cert.getCaPubKey())));
        List<PublicKey> ca = List.of(cert.getCaPubKey());
        TrustPolicy policy = TrustPolicy.of(() -> ca, () -> directory.revocations(org), clock);
        // The login name means nothing at a jump host: check the certificate against its own first principal.
        String principal = cert.getPrincipals().isEmpty() ? "" : cert.getPrincipals().iterator().next();
        new CertificateAuthenticator(policy).check(principal, cert, remote);
        String email = emailFromKeyId(cert.getId(), org);
        if (!directory.isMember(org, email)) {
            throw new CertificateRefusedException(email + " is not a member of org " + org);
        }
        return new GatewayLogin.Person(org, email, cert);
    }

    /** Key ids are {@code postern:<org>:<email>:<serial>}; the org must be the signing CA's. */
    static String emailFromKeyId(String keyId, String org) throws CertificateRefusedException {
        if (keyId == null || !keyId.startsWith(KEY_ID_PREFIX)) {
            throw new CertificateRefusedException("key id is not a Postern key id (postern:<org>:<email>:<serial>)");
        }
        String rest = keyId.substring(KEY_ID_PREFIX.length());
        int first = rest.indexOf(':');
        int last = rest.lastIndexOf(':');
        if (first <= 0 || last <= first + 1) {
            throw new CertificateRefusedException("malformed key id (want postern:<org>:<email>:<serial>)");
        }
        String keyOrg = rest.substring(0, first);
        if (!keyOrg.equals(org)) {
            throw new CertificateRefusedException("key id names org " + keyOrg + " but the certificate is signed by the "
                    + "user CA of org " + org);
        }
        return rest.substring(first + 1, last);
    }

    private static void refused(String login, PublicKey key, SocketAddress remote, String reason) {
        String from = remote instanceof InetSocketAddress
                ? ((InetSocketAddress) remote).getAddress().getHostAddress() : String.valueOf(remote);
        if (key instanceof OpenSshCertificate) {
            OpenSshCertificate cert = (OpenSshCertificate) key;
            LOG.warn("gateway login refused: {}; login={} key_id=\"{}\" serial={} from={}", printable(reason),
                    printable(login), printable(cert.getId()), Long.toUnsignedString(cert.getSerial()), from);
        } else {
            LOG.warn("gateway login refused: {}; login={} key={} from={}", printable(reason), printable(login),
                    KeyUtils.getFingerPrint(key), from);
        }
    }

    static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
