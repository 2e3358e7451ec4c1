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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * The real {@link Agent} on 127.0.0.1:0 trusting a user CA made with the real ssh-keygen, and the real
 * OpenSSH client (ssh, sftp, scp, rsync) with strict host key checking against the agent's host key.
 * Certificates are made by {@code ssh-keygen -s}; nothing in between is faked.
 */
public final class AgentFixture implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * The app's environment. SHLVL=1 keeps the test host's ~/.bashrc out of root's sessions: Debian's bash sources it
     * when SSH_CLIENT is set and SHLVL is unset, as under sshd, and a root .bashrc that runs {@code pyenv init} made
     * every session slow and, once a test had ended a session halfway through pyenv's rehash lock, made every later
     * root login wait 60 s for that lock (seven agent tests timed out in one CI run).
     */
    public static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "APP_MARKER", "from-the-entrypoint", "LANG", "C", "SHLVL", "1");

    public final Path dir;
    /** The user CA's private key; its public half ({@code user_ca.pub}) is the agent's --trusted-user-ca. */
    public final Path caKey;
    /** The user's private key, which every {@link #cert} certifies. */
    public final Path userKey;
    public final Agent agent;
    public final Path knownHosts;
    /** Numbers certificates across fixtures, so restarts on one directory never reuse a file or serial. */
    private static final AtomicInteger CERTS = new AtomicInteger();

    public AgentFixture(Path dir, Accounts accounts) {
        this(dir, accounts, List.of());
    }

    public AgentFixture(Path dir, Accounts accounts, List<String> entrypoint) {
        this(dir, b -> b.accounts(accounts).entrypoint(entrypoint));
    }

    /**
     * Starts an agent whose config is the fixture's defaults (loopback port 0, data dir {@code dir/data},
     * {@link #ENV}) changed by {@code config}. Keys already in {@code dir} are reused, so a second fixture on
     * the same directory is a restart.
     */
    public AgentFixture(Path dir, UnaryOperator<AgentConfig.Builder> config) {
        this.dir = dir;
        caKey = dir.resolve("user_ca");
        userKey = dir.resolve("id_user");
        if (!Files.exists(caKey)) {
            keygen(caKey);
            keygen(userKey);
        }
        try {
            agent = Agent.start(config.apply(AgentConfig.builder(dir.resolve("data"), dir.resolve("user_ca.pub"))
                    .listen("127.0.0.1", 0).environment(ENV).killGrace(Duration.ofSeconds(2))).build());
            knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + agent.port() + " "
                    + HostKeys.loadOrCreate(dir.resolve("data")).publicKeyLine() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs the user key for {@code principals} with extra ssh-keygen options; returns the cert path. */
    public Path cert(String principals, String... options) {
        return cert(caKey, principals, options);
    }

    /**
     * Signs the user key with {@code ca} (valid from 5 minutes ago for an hour unless {@code options} has
     * its own {@code -V}).
     *
     * @param principals the {@code -n} list, or null for a certificate without principals
     */
    public Path cert(Path ca, String principals, String... options) {
        int n = CERTS.incrementAndGet();
        Path pub = dir.resolve("cert" + n + ".pub");
        try {
            Files.copy(dir.resolve("id_user.pub"), pub);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", "key-" + n,
                "-z", String.valueOf(100 + n), "-V", "-5m:+1h"));
        if (principals != null) {
            cmd.addAll(List.of("-n", principals));
        }
        cmd.addAll(List.of(options));
        cmd.add(pub.toString());
        check(Processes.run(TIMEOUT, cmd));
        return dir.resolve("cert" + n + "-cert.pub");
    }

    /** The serial {@link #cert} gave the certificate at {@code cert}. */
    public static long serialOf(Path cert) {
        String name = cert.getFileName().toString();
        return 100 + Long.parseLong(name.substring("cert".length(), name.indexOf('-')));
    }

    /**
     * Options shared by ssh, sftp and scp: this user key and certificate only, strict host key checking
     * against the agent's key, the agent's port, {@code login}.
     */
    public List<String> clientOptions(String login, Path cert) {
        return new ArrayList<>(List.of("-F", "none",
                "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none",
                "-o", "IdentityFile=" + userKey,
                "-o", "CertificateFile=" + cert,
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=10",
                "-o", "Port=" + agent.port(),
                "-o", "User=" + login));
    }

    /**
     * The ssh command line for {@code login} with {@code cert}, before the remote command. {@code options}
     * come first, so their {@code -o} settings win over the fixture's (ssh keeps the first value given).
     */
    public List<String> sshCommand(String login, Path cert, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of("ssh"));
        cmd.addAll(options);
        cmd.addAll(clientOptions(login, cert));
        cmd.add("127.0.0.1");
        return cmd;
    }

    /** The ssh command (without the remote command) as one string, for {@code rsync -e}. */
    public String sshCommandLine(String login, Path cert) {
        return "ssh " + String.join(" ", clientOptions(login, cert));
    }

    public ProcessResult ssh(String login, Path cert, List<String> options, String remoteCommand, String stdin) {
        return ssh(login, cert, options, remoteCommand, stdin, Map.of());
    }

    public ProcessResult ssh(String login, Path cert, List<String> options, String remoteCommand, String stdin,
                             Map<String, String> env) {
        List<String> cmd = sshCommand(login, cert, options);
        if (remoteCommand != null) {
            cmd.add(remoteCommand);
        }
        return Processes.run(TIMEOUT, cmd, stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8), env, null);
    }

    public ProcessResult ssh(Path cert, String remoteCommand) {
        return ssh("root", cert, List.of(), remoteCommand, null);
    }

    public static void keygen(Path key) {
        check(Processes.run(TIMEOUT, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f",
                key.toString())));
    }

    private static void check(ProcessResult r) {
        if (r.exitCode() != 0) {
            throw new AssertionError("ssh-keygen failed: " + r);
        }
    }

    /** Pids of live processes whose command line is exactly {@code argv}. */
    public static List<Long> processesRunning(String... argv) {
        String wanted = String.join("\0", argv) + "\0";
        List<Long> pids = new ArrayList<>();
        try (var proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline"), StandardCharsets.ISO_8859_1);
                    String state = Files.readString(p.resolve("stat"), StandardCharsets.ISO_8859_1); // comm: any bytes
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
    public static void await(String what, BooleanSupplier condition) {
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
