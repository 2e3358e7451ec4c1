package dev.postern.ssh;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the real OpenSSH client against a test server, with strict host key checking. */
final class OpenSsh {
    private OpenSsh() {
    }

    /** {@code ssh -F none ... -p port login@127.0.0.1 echo}, trusting exactly {@code knownHosts}. */
    static ProcessResult ssh(int port, String login, Path knownHosts, List<String> extraOptions) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "none", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=10", "-p", String.valueOf(port)));
        cmd.addAll(extraOptions);
        cmd.add(login + "@127.0.0.1");
        cmd.add("echo");
        return Processes.run(Duration.ofSeconds(30), cmd);
    }

    /** Options to log in with {@code key} and its certificate only. */
    static List<String> identity(Path key, Path cert) {
        return List.of("-i", key.toString(), "-o", "CertificateFile=" + cert);
    }

    static Path knownHosts(Path dir, String... lines) {
        try {
            Path f = Files.createTempFile(dir, "known_hosts", "");
            Files.writeString(f, String.join("\n", lines) + "\n");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
