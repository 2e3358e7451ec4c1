package dev.postern.cli.ssh;

import java.util.List;

/**
 * known_hosts lines that make stock OpenSSH refuse removed machines' host keys, whatever certificate they show:
 * {@code @revoked * <key>} (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT": a revoked key is refused for every host the
 * pattern matches, and a certificate of that key too).
 */
final class RevokedHostLines {
    private RevokedHostLines() {
    }

    /** @param keys public keys as {@code type base64}, already checked ({@code ServerAnswers.publicKey}) */
    static String text(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            sb.append("@revoked * ").append(k).append('\n');
        }
        return sb.isEmpty() ? "" : "# host keys of removed machines\n" + sb;
    }
}
