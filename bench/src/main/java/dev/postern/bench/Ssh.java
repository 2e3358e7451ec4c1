package dev.postern.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the OpenSSH client tools against either server, with the same options on both sides:
 * {@code -F none}, the certificate as identity, strict host key checking against the run's known_hosts,
 * one key exchange, one host key type and one cipher, no connection sharing.
 */
final class Ssh {
    static final String KEX = "curve25519-sha256";
    static final String DEFAULT_CIPHER = "aes128-gcm@openssh.com";

    private final Path key;
    private final Path cert;
    private final Path knownHosts;

    Ssh(Path key, Path cert, Path knownHosts) {
        this.key = key;
        this.cert = cert;
        this.knownHosts = knownHosts;
    }

    static Ssh of(Rig rig) {
        return new Ssh(rig.userKey, rig.userCert, rig.knownHosts);
    }

    Ssh withKnownHosts(Path file) {
        return new Ssh(key, cert, file);
    }

    /** {@code ssh ... postern-bench-PID@127.0.0.1 COMMAND}. */
    List<String> ssh(SshServerProcess server, String cipher, String command) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(server.port())));
        cmd.addAll(options(cipher));
        cmd.add(BenchUser.NAME + "@127.0.0.1");
        cmd.add(command);
        return cmd;
    }

    /** {@code sftp -b BATCH ... postern-bench-PID@127.0.0.1}. */
    List<String> sftp(SshServerProcess server, String cipher, Path batch) {
        List<String> cmd = new ArrayList<>(List.of("sftp", "-q", "-b", batch.toString(), "-P",
                String.valueOf(server.port())));
        cmd.addAll(options(cipher));
        cmd.add(BenchUser.NAME + "@127.0.0.1");
        return cmd;
    }

    /**
     * {@code ssh -N -R 127.0.0.1:LISTEN:127.0.0.1:TARGET} into {@code jump}: the jump host listens on LISTEN and
     * hands every connection to this client, which connects it to TARGET (OpenSSH's reverse tunnel, the mirror of
     * a Postern agent's tunnel to its gateway).
     */
    List<String> reverseTunnel(SshServerProcess jump, int listenPort, int targetPort) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-N", "-p", String.valueOf(jump.port()),
                "-R", "127.0.0.1:" + listenPort + ":127.0.0.1:" + targetPort,
                "-o", "ExitOnForwardFailure=yes", "-o", "ServerAliveInterval=15"));
        cmd.addAll(options(DEFAULT_CIPHER));
        cmd.add(BenchUser.NAME + "@127.0.0.1");
        return cmd;
    }

    /** The options every client of the run uses, as ssh_config lines (for configs with ProxyJump). */
    List<String> configLines(String cipher) {
        List<String> opts = options(cipher);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < opts.size(); i += 2) {
            String flag = opts.get(i);
            String value = opts.get(i + 1);
            switch (flag) {
                case "-F" -> { }
                case "-i" -> lines.add("IdentityFile " + value);
                case "-o" -> lines.add(value.replaceFirst("=", " "));
                default -> throw new IllegalStateException("no config line for " + flag);
            }
        }
        return lines;
    }

    private List<String> options(String cipher) {
        return List.of("-F", "none", "-i", key.toString(), "-o", "CertificateFile=" + cert,
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "KexAlgorithms=" + KEX,
                "-o", "HostKeyAlgorithms=ssh-ed25519", "-o", "Ciphers=" + cipher, "-o", "Compression=no",
                "-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "LogLevel=ERROR");
    }
}
