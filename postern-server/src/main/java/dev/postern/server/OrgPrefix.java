package dev.postern.server;

import dev.postern.store.Org;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Private IPv6 addressing: each org gets a ULA /48 ({@code fdXX:XXXX:XXXX::/48}, RFC 4193) derived from its
 * id and creation time, and each machine an address in subnet 0 of it from a never-reused machine number.
 */
final class OrgPrefix {
    private OrgPrefix() {
    }

    static String address(Org org, long machineNumber) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(("postern-ula:" + org.id() + ":" + org.createdAt())
                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // 40-bit global id after the fd prefix, then subnet 0, then the machine number as interface id
        return String.format("fd%02x:%02x%02x:%02x%02x::%x", h[0] & 0xff, h[1] & 0xff, h[2] & 0xff, h[3] & 0xff,
                h[4] & 0xff, machineNumber);
    }
}
