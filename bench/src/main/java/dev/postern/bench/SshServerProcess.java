package dev.postern.bench;

/**
 * A started SSH server child: the Postern agent or OpenSSH's sshd.
 *
 * @param label "postern" or "openssh"
 * @param child the process
 * @param port its loopback port
 * @param hostKeyLine its host public key ({@code ssh-ed25519 AAAA...})
 * @param readyMillis time from exec to its SSH identification line
 */
record SshServerProcess(String label, Child child, int port, String hostKeyLine, double readyMillis) {
    boolean isPostern() {
        return label.equals("postern");
    }

    /** {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}. */
    String knownHostsLine() {
        String[] f = hostKeyLine.strip().split("\\s+");
        return "[127.0.0.1]:" + port + " " + f[0] + " " + f[1];
    }
}
