package dev.postern.server;

import dev.postern.ca.CertificateAuthority;
import dev.postern.ca.KeySealer;
import dev.postern.ca.SealedCaKey;
import dev.postern.store.OrgAuthority;
import dev.postern.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates org CAs and keeps unsealed signers in memory, so that issuing does not unseal a key per
 * request. A cached signer is used only while the stored CA is the one it was made from.
 */
final class Authorities {
    private final KeySealer sealer;
    private final Clock clock;
    private final Map<Long, Opened> cache = new ConcurrentHashMap<>();

    /** The signers of one stored CA generation. */
    record Opened(Instant createdAt, CertificateAuthority user, CertificateAuthority host) {
    }

    Authorities(KeySealer sealer, Clock clock) {
        this.sealer = sealer;
        this.clock = clock;
    }

    /** A fresh user CA and host CA for the org, sealed, ready to store. */
    OrgAuthority generate(long orgId) {
        SealedCaKey user = CertificateAuthority.generate(sealer, userContext(orgId));
        SealedCaKey host = CertificateAuthority.generate(sealer, hostContext(orgId));
        return new OrgAuthority(orgId, user.publicKeyLine(), user.sealedPrivateKey(), host.publicKeyLine(),
                host.sealedPrivateKey(), clock.instant());
    }

    /** The org's signers, or empty when it has no CA. */
    Optional<Opened> open(Store store, long orgId) {
        Optional<OrgAuthority> stored = store.authorities().forOrg(orgId);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        OrgAuthority a = stored.get();
        Opened cached = cache.get(orgId);
        if (cached != null && cached.createdAt().equals(a.createdAt())
                && cached.user().publicKeyLine().equals(a.userCaPublicKey())) {
            return Optional.of(cached);
        }
        Opened opened = new Opened(a.createdAt(),
                CertificateAuthority.open(sealer, new SealedCaKey(a.userCaPublicKey(), a.userCaSealedKey()),
                        userContext(orgId)),
                CertificateAuthority.open(sealer, new SealedCaKey(a.hostCaPublicKey(), a.hostCaSealedKey()),
                        hostContext(orgId)));
        cache.put(orgId, opened);
        return Optional.of(opened);
    }

    /**
     * As {@link #open(Store, long)} when the caller already read the org's CA stamp (creation time and user CA
     * public key, null when it has none): a cached signer of that very CA is used without a query.
     */
    Optional<Opened> open(Store store, long orgId, Instant createdAt, String userCaPublicKey) {
        if (createdAt == null) {
            return Optional.empty();
        }
        Opened cached = cache.get(orgId);
        if (cached != null && cached.createdAt().equals(createdAt) && cached.user().publicKeyLine().equals(userCaPublicKey)) {
            return Optional.of(cached);
        }
        return open(store, orgId);
    }

    private static String userContext(long orgId) {
        return "org:" + orgId + ":user-ca";
    }

    private static String hostContext(long orgId) {
        return "org:" + orgId + ":host-ca";
    }
}
