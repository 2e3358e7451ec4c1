package dev.postern.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real OpenSSH server ({@code /usr/sbin/sshd -D -e}) on {@code 127.0.0.1}, with its own
 * Ed25519 host key and config in a test directory: the reference peer for interoperability tests and
 * benchmarks.
 *
 * <pre>{@code
 * try (OpenSshd sshd = OpenSshd.start(tmp, List.of("TrustedUserCAKeys " + caFile))) {
 *     // ssh -F none -p sshd.port() -o UserKnownHostsFile=<file with sshd.knownHostsLine()> root@127.0.0.1
 * }
 * }</pre>
 *
 * <p>Defaults: public keys/certificates only ({@code PasswordAuthentication no},
 * {@code KbdInteractiveAuthentication no}, {@code UsePAM no}), {@code PermitRootLogin prohibit-password},
 * {@code AuthorizedKeysFile none}, {@code StrictModes no}, {@code PidFile none}, {@code LogLevel VERBOSE},
 * {@code Subsystem sftp internal-sftp} (left out when the extra lines define their own).
 * sshd keeps the first value it reads for a keyword, so {@code extraConfigLines} go before the defaults and
 * override them; they must not contain {@code Match} blocks. Run as root for logins as other users (sshd also
 * needs {@code /run/sshd}, which {@link #start} creates).
 */
public final class OpenSshd implements AutoCloseable {
    /** Path of the server binary. */
    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Duration STARTUP = Duration.ofSeconds(15);
    private static final int PORT_ATTEMPTS = 5;

    private final Process process;
    private final int port;
    private final String hostPublicKeyLine;
    private final Path configFile;
    private final StringBuffer log;

    private OpenSshd(Process process, int port, String hostPublicKeyLine, Path configFile, StringBuffer log) {
        this.process = process;
        this.port = port;
        this.hostPublicKeyLine = hostPublicKeyLine;
        this.configFile = configFile;
        this.log = log;
    }

    /**
     * Writes a host key and {@code sshd_config} into {@code dir} and starts sshd on a free loopback port;
     * returns once sshd logs that it listens.
     *
     * @throws AssertionError when sshd exits or does not listen within 15 s; the message holds its log
     */
    public static OpenSshd start(Path dir, List<String> extraConfigLines) {
        try {
            Files.createDirectories(dir);
            if (!Files.isDirectory(Path.of("/run/sshd"))) {
                Files.createDirectories(Path.of("/run/sshd")); // privilege separation chroot
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare sshd directories under " + dir, e);
        }
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        if (!Files.exists(hostKey)) {
            SshKeygen.generate(dir, hostKey.getFileName().toString(), "ed25519");
        }
        String hostLine = SshKeygen.publicKeyLine(hostKey);
        String failures = "";
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int port = freePort();
            Path config = dir.resolve("sshd_config");
            writeConfig(config, port, hostKey, extraConfigLines);
            OpenSshd sshd = launch(config, port, hostLine);
            if (sshd != null) {
                return sshd;
            }
            failures += "\n(attempt " + attempt + " on port " + port + " lost the port race)";
        }
        throw new AssertionError("sshd could not bind a free port in " + PORT_ATTEMPTS + " attempts" + failures);
    }

    /** The TCP port sshd listens on at 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The server's host public key, {@code ssh-ed25519 AAAA... ssh_host_ed25519_key}. */
    public String hostPublicKeyLine() {
        return hostPublicKeyLine;
    }

    /** A known_hosts line for this server as ssh names it: {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}. */
    public String knownHostsLine() {
        String[] f = hostPublicKeyLine.split("\\s+");
        return "[127.0.0.1]:" + port + " " + f[0] + " " + f[1];
    }

    /** The config file sshd was started with. */
    public Path configFile() {
        return configFile;
    }

    /** Everything sshd logged so far (stderr, {@code LogLevel VERBOSE}): attach it to assertion messages. */
    public String log() {
        return log.toString();
    }

    /** Stops sshd (SIGTERM, then SIGKILL after 5 s) and the per-connection children it forked. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return "OpenSshd[127.0.0.1:" + port + "]";
    }

    /** Returns null when sshd exited because the port was taken meanwhile. */
    private static OpenSshd launch(Path config, int port, String hostLine) {
        ProcessBuilder pb = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toAbsolutePath().toString());
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + SSHD + " (is openssh-server installed?)", e);
        }
        StringBuffer log = new StringBuffer();
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> pump(p, log, listening), "sshd-log-" + port);
        reader.setDaemon(true);
        reader.start();
        try {
            // wake up when sshd listens or exits, whichever comes first
            p.onExit().thenRun(listening::countDown);
            boolean signalled = listening.await(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
            if (signalled && p.isAlive()) {
                return new OpenSshd(p, port, hostLine, config, log);
            }
            if (!signalled) {
                p.destroyForcibly();
                throw new AssertionError("sshd did not listen within " + STARTUP + "; log:\n" + log);
            }
            p.waitFor(5, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(5));
            if (log.indexOf("Address already in use") >= 0) {
                return null;
            }
            throw new AssertionError("sshd exited with " + p.exitValue() + " before listening; config "
                    + config + "; log:\n" + log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted while starting sshd", e);
        }
    }

    private static void pump(Process p, StringBuffer log, CountDownLatch listening) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.append(line).append('\n');
                if (line.contains("Server listening on")) {
                    listening.countDown();
                }
            }
        } catch (IOException ignored) {
            // the stream closes when sshd is stopped
        }
    }

    private static void writeConfig(Path config, int port, Path hostKey, List<String> extra) {
        List<String> lines = new ArrayList<>();
        lines.add("# written by dev.postern.testing.OpenSshd; extra lines first: sshd keeps the first value");
        lines.addAll(extra);
        lines.addAll(List.of(
                "ListenAddress 127.0.0.1:" + port,
                "HostKey " + hostKey.toAbsolutePath(),
                "PidFile none",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "AuthorizedKeysFile none",
                "LogLevel VERBOSE"));
        // sshd refuses a second Subsystem line for the same name, so only add ours when the caller has none
        if (extra.stream().noneMatch(l -> l.strip().toLowerCase(java.util.Locale.ROOT).startsWith("subsystem sftp"))) {
            lines.add("Subsystem sftp internal-sftp");
        }
        try {
            Files.write(config, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
