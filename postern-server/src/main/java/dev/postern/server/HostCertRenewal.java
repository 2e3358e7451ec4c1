package dev.postern.server;

import dev.postern.ca.SignedCertificate;
import dev.postern.ssh.CertificateRefusedException;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.store.App;
import dev.postern.store.Machine;
import dev.postern.store.Org;
import dev.postern.store.Store;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Renews a machine's host certificate when its agent asks through its tunnel (as smallstep's {@code ssh renew}):
 * the request comes over the gateway connection the machine logged in to with its current, valid host
 * certificate, so it has proven possession of the host key; here the machine must still belong to its app and
 * the key must be the one it joined with.
 */
final class HostCertRenewal {
    private final Store store;
    private final Authorities authorities;
    private final HostCertificates certificates;
    private final AuditTrail audit;
    private final Clock clock;

    HostCertRenewal(Store store, Authorities authorities, HostCertificates certificates, AuditTrail audit, Clock clock) {
        this.store = store;
        this.authorities = authorities;
        this.certificates = certificates;
        this.audit = audit;
        this.clock = clock;
    }

    /** The new certificate line; refuses (with a reason for the agent and the log) otherwise. */
    String renew(String machineId, PublicKey hostKey) throws CertificateRefusedException {
        Machine m = store.machines().byId(machineId).orElseThrow(() -> new CertificateRefusedException(
                "machine " + machineId + " is unknown"));
        if (m.removed()) {
            throw new CertificateRefusedException("machine " + machineId + " was removed at " + m.removedAt());
        }
        String fingerprint = KeyUtils.getFingerPrint(hostKey);
        if (!fingerprint.equals(m.hostKeyFingerprint())) {
            throw new CertificateRefusedException("host key " + fingerprint + " is not the key machine " + machineId
                    + " joined with");
        }
        if (store.machines().revokedHostKey(fingerprint).isPresent()) {
            throw new CertificateRefusedException("host key " + fingerprint + " belongs to a removed machine");
        }
        Org org = store.orgs().byId(m.orgId()).orElseThrow();
        App app = store.apps().forOrg(org.id()).stream().filter(a -> a.id() == m.appId()).findFirst().orElseThrow();
        Authorities.Opened ca = authorities.open(store, org.id()).orElseThrow(() -> new CertificateRefusedException(
                "org " + org.name() + " has no CA"));
        Instant now = clock.instant();
        String keyLine = m.hostKeyLine().orElse(OpenSshKeys.toLine(hostKey));
        SignedCertificate cert = store.inTransaction(tx -> {
            SignedCertificate c = certificates.sign(ca, tx.certificates().nextSerial(), org.name(), app.name(), m.id(),
                    m.address(), keyLine, now);
            audit.record(tx, new Caller(null, null, "tunnel"), "machine:" + m.id(), org.name(), "machine.renew",
                    c.principals().get(0), "serial=" + c.serial() + " valid_before=" + c.validBefore());
            return c;
        });
        return cert.certificateLine();
    }
}
