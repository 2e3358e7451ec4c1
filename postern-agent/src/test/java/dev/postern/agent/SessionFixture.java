package dev.postern.agent;

import dev.postern.agent.session.Accounts;
import dev.postern.ssh.HostKeys;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A user CA made with the real ssh-keygen, an agent trusting it, and the real OpenSSH client with strict
 * host key checking against the agent's host key.
 */
final class SessionFixture implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "POSTERN_APP_MARKER", "from-the-entrypoint", "LANG", "C");

    final Path dir;
    final Path caKey;
    final Path userKey;
    final Agent agent;
    final Path knownHosts;
    private int certs;

    SessionFixture(Path dir, Accounts accounts) {
        this(dir, accounts, List.of());
    }

    SessionFixture(Path dir, Accounts accounts, List<String> entrypoint) {
        this.dir = dir;
        caKey = dir.resolve("user_ca");
        keygen(caKey);
        userKey = dir.resolve("id_user");
        keygen(userKey);
        try {
            agent = Agent.start(AgentConfig.builder(dir.resolve("data"), dir.resolve("user_ca.pub"))
                    .listen("127.0.0.1", 0).environment(ENV).accounts(accounts).entrypoint(entrypoint)
                    .killGrace(Duration.ofSeconds(2)).build());
            knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + agent.port() + " "
                    + HostKeys.loadOrCreate(dir.resolve("data")).publicKeyLine() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs the user key for {@code principals} with extra ssh-keygen options; returns the cert path. */
    Path cert(String principals, String... options) {
        Path pub = dir.resolve("cert" + (++certs) + ".pub");
        try {
            Files.copy(dir.resolve("id_user.pub"), pub);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", caKey.toString(), "-I", "key-" + certs,
                "-z", String.valueOf(100 + certs), "-n", principals, "-V", "-5m:+1h"));
        cmd.addAll(List.of(options));
        cmd.add(pub.toString());
        check(Processes.run(TIMEOUT, cmd));
        return dir.resolve("cert" + certs + "-cert.pub");
    }

    /** The ssh command line for {@code login} with {@code cert}, before the remote command. */
    List<String> sshCommand(String login, Path cert, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "none", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "-i", userKey.toString(),
                "-o", "CertificateFile=" + cert, "-p", String.valueOf(agent.port())));
        cmd.addAll(options);
        cmd.add(login + "@127.0.0.1");
        return cmd;
    }

    ProcessResult ssh(String login, Path cert, List<String> options, String remoteCommand, String stdin) {
        List<String> cmd = sshCommand(login, cert, options);
        if (remoteCommand != null) {
            cmd.add(remoteCommand);
        }
        return Processes.run(TIMEOUT, cmd, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8),
                Map.of(), null);
    }

    ProcessResult ssh(Path cert, String remoteCommand) {
        return ssh("root", cert, List.of(), remoteCommand, null);
    }

    static void keygen(Path key) {
        check(Processes.run(TIMEOUT, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f",
                key.toString())));
    }

    private static void check(ProcessResult r) {
        if (r.exitCode() != 0) {
            throw new AssertionError("ssh-keygen failed: " + r);
        }
    }

    /** Pids of live processes whose command line is exactly {@code argv}. */
    static List<Long> processesRunning(String... argv) {
        String wanted = String.join("\0", argv) + "\0";
        List<Long> pids = new ArrayList<>();
        try (var proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline"), StandardCharsets.ISO_8859_1);
                    String state = Files.readString(p.resolve("stat"));
                    if (cmdline.equals(wanted) && !state.substring(state.lastIndexOf(')') + 2).startsWith("Z")) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** Waits, bounded, until {@code condition} holds; fails naming {@code what} otherwise. */
    static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    @Override
    public void close() {
        agent.close();
    }
}
