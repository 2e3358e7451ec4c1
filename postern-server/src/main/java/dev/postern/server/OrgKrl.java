package dev.postern.server;

import dev.postern.ca.Krl;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.OrgAuthority;
import dev.postern.store.Store;
import java.time.Instant;
import java.util.List;

/**
 * An org's revocations as an OpenSSH KRL. The bytes depend only on the stored revocations (the generation
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
        return Krl.write(ca.userCaPublicKey(), serials, serials.size(), generated, "postern revocations for org "
                + orgName);
    }
}
