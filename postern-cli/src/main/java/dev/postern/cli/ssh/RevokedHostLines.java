package dev.postern.cli.ssh;

import dev.postern.common.api.RevokedHostKeyView;
import java.util.List;

/**
 * known_hosts lines that make stock OpenSSH refuse removed machines' host keys, whatever certificate they show:
 * {@code @revoked * <key>} (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT": a revoked key is refused for every host the
 * pattern matches, and a certificate of that key too).
 */
final class RevokedHostLines {
    private RevokedHostLines() {
    }

    static String text(List<RevokedHostKeyView> keys) {
        StringBuilder sb = new StringBuilder();
        for (RevokedHostKeyView k : keys) {
            String[] f = k.publicKey().strip().split("\\s+");
            if (f.length < 2 || !f[0].matches("[a-z0-9@.-]+") || !f[1].matches("[A-Za-z0-9+/=]+")) {
                continue; // not a key line: never write what the server sent verbatim into known_hosts
            }
            sb.append("@revoked * ").append(f[0]).append(' ').append(f[1]).append('\n');
        }
        return sb.isEmpty() ? "" : "# host keys of removed machines\n" + sb;
    }
}
