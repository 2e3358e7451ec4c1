package dev.postern.common.api;

import java.util.List;

/**
 * What a machine gets when it joins; it keeps all of it in its data dir and never needs the token again.
 *
 * @param name {@code <id>.vm.<app>.internal}
 * @param hostCertificate OpenSSH host certificate line for its host key
 * @param userCaPublicKeys the org's user CA key lines (as in sshd's TrustedUserCAKeys)
 * @param gateway {@code host:port} of the gateway to dial out to
 * @param gatewayHostKey the gateway's host public key line, pinned by the agent
 * @param krl the org's current revocation list (OpenSSH KRL), base64
 */
public record JoinResponse(String machineId, String org, String app, String name, String address,
                           String hostCertificate, List<String> userCaPublicKeys, String hostCaPublicKey,
                           String gateway, String gatewayHostKey, String krl) {
    public JoinResponse {
        userCaPublicKeys = List.copyOf(userCaPublicKeys);
    }
}
