package dev.postern.agent;

import dev.postern.agent.session.Accounts;
import dev.postern.ssh.PreAuthLimits;
import dev.postern.ssh.ServerLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an {@link Agent} needs, validated when built; errors name the {@code postern agent} flag and
 * the fix.
 *
 * <pre>{@code
 * AgentConfig config = AgentConfig.builder(Path.of("/var/lib/postern"), Path.of("/etc/postern/user_ca.pub"))
 *         .listen("127.0.0.1", 2222).entrypoint(List.of("nginx", "-g", "daemon off;")).build();
 * }</pre>
 *
 * @param listenHost address to listen on; loopback unless the operator asks for more (there is no
 *     implicit 0.0.0.0)
 * @param listenPort TCP port, 0 for any free one (tests)
 * @param dataDir where the host key lives (created if missing)
 * @param trustedUserCaFile OpenSSH public key lines of the user CAs (sshd's TrustedUserCAKeys)
 * @param hostCertFile the host certificate to present, if any
 * @param revokedFile an OpenSSH KRL, re-read when it changes, if any
 * @param entrypoint the supervised program and its arguments; empty for none
 * @param environment the entrypoint's environment, which every session also gets: the one given without the
 *     agent's own configuration ({@code POSTERN_*}, see {@code ChildEnvironment})
 * @param accounts where users and shells are looked up, and as whom the agent runs
 * @param limits per-connection limits
 * @param preAuth limits on connections to the listening socket that have not logged in yet, per source address
 *     and in total (tunnel-mode sessions arrive over the tunnel and are not counted)
 * @param killGrace how long a hung-up session may survive SIGHUP before SIGKILL
 * @param tunnel when present, the agent dials out to this gateway; with {@code listenPort} -1 it then opens no
 *     listening socket at all
 * @param umask permission bits cleared from files and directories that SFTP and scp create (OpenSSH's 022 by
 *     default)
 */
public record AgentConfig(String listenHost, int listenPort, Path dataDir, Path trustedUserCaFile,
                          Optional<Path> hostCertFile, Optional<Path> revokedFile, List<String> entrypoint,
                          Map<String, String> environment, Accounts accounts, Clock clock, ServerLimits limits,
                          PreAuthLimits preAuth, Duration killGrace, Optional<AgentTunnel> tunnel, int umask) {
    public static final String DEFAULT_LISTEN_HOST = "127.0.0.1";
    public static final int DEFAULT_LISTEN_PORT = 22;
    /** OpenSSH's umask for sftp-server and scp unless the machine says otherwise. */
    public static final int DEFAULT_UMASK = 0022;

    public AgentConfig {
        Objects.requireNonNull(listenHost, "listenHost");
        if (listenHost.isBlank()) {
            throw new IllegalArgumentException("--listen has an empty address; use e.g. 127.0.0.1:22");
        }
        Objects.requireNonNull(tunnel, "tunnel");
        if (listenPort < -1 || listenPort > 65535 || listenPort == -1 && tunnel.isEmpty()) {
            throw new IllegalArgumentException("--listen port " + listenPort + " is out of range; use 1-65535");
        }
        Objects.requireNonNull(dataDir, "dataDir");
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("--data " + dataDir + " is not a directory; pass a directory the"
                    + " agent may keep its host key in");
        }
        Objects.requireNonNull(trustedUserCaFile, "trustedUserCaFile");
        if (!Files.isReadable(trustedUserCaFile)) {
            throw new IllegalArgumentException("--trusted-user-ca " + trustedUserCaFile + " cannot be read; pass the"
                    + " file with your org's user CA public key ('ssh-ed25519 AAAA...'), as for sshd's"
                    + " TrustedUserCAKeys");
        }
        Objects.requireNonNull(hostCertFile, "hostCertFile");
        hostCertFile.ifPresent(f -> {
            if (!Files.isReadable(f)) {
                throw new IllegalArgumentException("--host-cert " + f + " cannot be read; pass the host certificate"
                        + " (ssh_host_ed25519_key-cert.pub) signed for this agent's host key, or leave it out");
            }
        });
        Objects.requireNonNull(revokedFile, "revokedFile");
        revokedFile.ifPresent(f -> {
            if (!Files.isReadable(f)) {
                throw new IllegalArgumentException("--revoked " + f + " cannot be read; pass an OpenSSH KRL (made by"
                        + " 'ssh-keygen -k'), or leave it out");
            }
        });
        entrypoint = List.copyOf(entrypoint);
        if (!entrypoint.isEmpty() && entrypoint.get(0).isBlank()) {
            throw new IllegalArgumentException("the entrypoint after '--' starts with an empty program name");
        }
        environment = ChildEnvironment.of(environment);
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(preAuth, "preAuth");
        Objects.requireNonNull(killGrace, "killGrace");
        if (killGrace.isNegative() || killGrace.isZero()) {
            throw new IllegalArgumentException("killGrace is " + killGrace + "; it must be positive (default 2s)");
        }
        if (umask < 0 || umask > 0777) {
            throw new IllegalArgumentException("--umask " + Integer.toOctalString(umask) + " is out of range; pass"
                    + " an octal mode from 000 to 777, e.g. 022 (the default) or 077");
        }
    }

    /** Whether the agent opens a listening socket (not in pure tunnel mode). */
    public boolean listens() {
        return listenPort >= 0;
    }

    /** A builder with the defaults: 127.0.0.1:22, no host certificate, no KRL, no entrypoint. */
    public static Builder builder(Path dataDir, Path trustedUserCaFile) {
        return new Builder(dataDir, trustedUserCaFile);
    }

    /** Builds an {@link AgentConfig}; defaults as documented on {@link #builder}. */
    public static final class Builder {
        private final Path dataDir;
        private final Path trustedUserCaFile;
        private String listenHost = DEFAULT_LISTEN_HOST;
        private int listenPort = DEFAULT_LISTEN_PORT;
        private Path hostCertFile;
        private Path revokedFile;
        private List<String> entrypoint = List.of();
        private Map<String, String> environment = System.getenv();
        private Accounts accounts;
        private Clock clock = Clock.systemUTC();
        private ServerLimits limits = ServerLimits.defaults();
        private PreAuthLimits preAuth = PreAuthLimits.defaults();
        private Duration killGrace = Duration.ofSeconds(2);
        private AgentTunnel tunnel;
        private int umask = DEFAULT_UMASK;

        private Builder(Path dataDir, Path trustedUserCaFile) {
            this.dataDir = dataDir;
            this.trustedUserCaFile = trustedUserCaFile;
        }

        public Builder listen(String host, int port) {
            this.listenHost = host;
            this.listenPort = port;
            return this;
        }

        public Builder hostCertFile(Path file) {
            this.hostCertFile = file;
            return this;
        }

        public Builder revokedFile(Path file) {
            this.revokedFile = file;
            return this;
        }

        public Builder entrypoint(List<String> command) {
            this.entrypoint = command;
            return this;
        }

        public Builder environment(Map<String, String> env) {
            this.environment = env;
            return this;
        }

        public Builder accounts(Accounts accounts) {
            this.accounts = accounts;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder limits(ServerLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder preAuth(PreAuthLimits preAuth) {
            this.preAuth = preAuth;
            return this;
        }

        public Builder killGrace(Duration grace) {
            this.killGrace = grace;
            return this;
        }

        /** Tunnel mode through {@code t}; combine with {@code listen(host, -1)} for no listening socket. */
        public Builder tunnel(AgentTunnel t) {
            this.tunnel = t;
            return this;
        }

        /** The umask of SFTP and scp, e.g. {@code 0027}. */
        public Builder umask(int bits) {
            this.umask = bits;
            return this;
        }

        public AgentConfig build() {
            return new AgentConfig(listenHost, listenPort, dataDir, trustedUserCaFile,
                    Optional.ofNullable(hostCertFile), Optional.ofNullable(revokedFile), entrypoint, environment,
                    accounts != null ? accounts : Accounts.system(), clock, limits, preAuth, killGrace,
                    Optional.ofNullable(tunnel), umask);
        }
    }
}
