package dev.postern.server;

import dev.postern.ca.Krl;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.OrgAuthority;
import dev.postern.store.RetiredAuthority;
import dev.postern.store.RevokedHostKey;
import dev.postern.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An org's revocations as an OpenSSH KRL. The bytes depend only on the stored revocations and CA keys (the
 * generation time is the newest revocation's or the current CA's creation, whichever is later), so pollers can
 * compare them and rewrite their copy only on a change.
 *
 * <p>Replacing the CA must not un-revoke anything: machines running stock sshd may still list a retired user
 * CA in {@code TrustedUserCAKeys}. So the revoked serials are listed under the current and every retired user
 * CA key, and each retired user CA key is revoked outright, which revokes every certificate it ever signed.
 * Retired host CA keys are left out: the gateway already refuses their certificates for new tunnels, and
 * listing them would cut the live tunnels through which machines learn about the new CA.
 *
 * <p>The host keys of removed machines are revoked outright too, which revokes every host certificate of them
 * (gateway, agents, stock sshd).
 */
final class OrgKrl {
    private OrgKrl() {
    }

    static byte[] build(Store store, String orgName, OrgAuthority ca) {
        List<IssuedCertificate> revoked = store.certificates().revoked(ca.orgId());
        List<RetiredAuthority> retired = store.authorities().retired(ca.orgId());
        Instant generated = revoked.stream().map(IssuedCertificate::revokedAt).max(Instant::compareTo)
                .filter(at -> at.isAfter(ca.createdAt())).orElse(ca.createdAt());
        List<Long> serials = revoked.stream().map(IssuedCertificate::serial).toList();
        List<String> retiredUserCas = retired.stream().map(RetiredAuthority::userCaPublicKey).toList();
        List<String> caKeys = new ArrayList<>();
        caKeys.add(ca.userCaPublicKey());
        caKeys.addAll(retiredUserCas);
        List<RevokedHostKey> hostKeys = store.machines().revokedHostKeys(ca.orgId());
        for (RevokedHostKey k : hostKeys) {
            generated = k.revokedAt().isAfter(generated) ? k.revokedAt() : generated;
        }
        List<String> revokedKeys = new ArrayList<>(retiredUserCas);
        hostKeys.stream().map(RevokedHostKey::hostKey).filter(java.util.Objects::nonNull).forEach(revokedKeys::add);
        // all counts only grow, so the version does too
        return Krl.write(caKeys, serials, revokedKeys, serials.size() + (long) retired.size() + hostKeys.size(),
                generated, "postern revocations for org " + orgName);
    }
}
