package dev.postern.server;

import dev.postern.ca.Krl;
import dev.postern.ca.RevokedKeysSection;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.OrgAuthority;
import dev.postern.store.RevokedHostKey;
import dev.postern.store.Store;
import java.time.Instant;
import java.util.List;

/**
 * An org's revocations as an OpenSSH KRL: revoked certificate serials of the user CA, and the host keys of
 * removed machines. The bytes depend only on the stored revocations (the generation
 * time is the newest revocation's), so pollers can compare them and rewrite their copy only on a change.
 */
final class OrgKrl {
    private OrgKrl() {
    }

    static byte[] build(Store store, String orgName, OrgAuthority ca) {
        List<IssuedCertificate> revoked = store.certificates().revoked(ca.orgId());
        Instant generated = revoked.stream().map(IssuedCertificate::revokedAt).max(Instant::compareTo)
                .orElse(ca.createdAt());
        List<Long> serials = revoked.stream().map(IssuedCertificate::serial).toList();
        List<RevokedHostKey> hostKeys = store.machines().revokedHostKeys(ca.orgId());
        for (RevokedHostKey k : hostKeys) {
            generated = k.revokedAt().isAfter(generated) ? k.revokedAt() : generated;
        }
        byte[] krl = Krl.write(ca.userCaPublicKey(), serials, serials.size() + hostKeys.size(), generated,
                "postern revocations for org " + orgName);
        // removed machines' host keys: every certificate of such a key is refused (gateway, agents, stock sshd)
        return RevokedKeysSection.append(krl, hostKeys.stream().map(RevokedHostKey::hostKey)
                .filter(java.util.Objects::nonNull).toList());
    }
}
