package dev.postern.agent.tunnel;

import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * Which gateway host keys the tunnel client accepts: keys pinned outright, or host certificates signed by one of
 * the given host CAs for {@code gatewayName}. There is no accept-all: at least one key or CA is required.
 *
 * @param pinnedKeys gateway host public keys accepted as they are
 * @param hostCaKeys CAs whose HOST certificates are accepted when they name {@code gatewayName}
 * @param gatewayName the name a gateway certificate must carry as principal (the host the client dials)
 */
public record GatewayTrust(List<PublicKey> pinnedKeys, List<PublicKey> hostCaKeys, String gatewayName) {
    public GatewayTrust {
        pinnedKeys = List.copyOf(pinnedKeys);
        hostCaKeys = List.copyOf(hostCaKeys);
        Objects.requireNonNull(gatewayName, "gatewayName");
        if (pinnedKeys.isEmpty() && hostCaKeys.isEmpty()) {
            throw new IllegalArgumentException("no gateway host key or host CA to trust; give the gateway's host key "
                    + "(from 'postern server') or the CA that signs it: the tunnel never accepts an unknown gateway");
        }
    }

    /** Trusts exactly this gateway host key. */
    public static GatewayTrust pinned(PublicKey gatewayHostKey) {
        return new GatewayTrust(List.of(gatewayHostKey), List.of(), "");
    }
}
