package dev.postern.bench;

import dev.postern.common.api.AuthorityView;
import dev.postern.common.api.IssueRequest;
import dev.postern.common.api.IssueResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything the benchmarks run against, on loopback in a scratch directory under /dev/shm: the control plane
 * (child process), an org with a CA, a user key with a certificate from it, a Postern agent and an OpenSSH sshd
 * that both trust that CA. {@link #close} stops every process it started and deletes the directory.
 */
final class Rig implements AutoCloseable {
    static final String ORG = "bench";
    private static final Duration START_BOUND = Duration.ofSeconds(60);

    final Options options;
    final Path work;
    /** The control plane with its gateway; the org {@value #ORG} and its CA. */
    final ControlPlaneProcess plane;
    final Path userCa;
    final Path userKey;
    final Path userCert;
    final Api api;
    final String email;
    final SshServerProcess agent;
    final SshServerProcess sshd;
    final Path knownHosts;
    private final List<Child> children;
    private final BenchUser user;

    private Rig(Options options, Path work, ControlPlaneProcess plane, Path userCa, Path userKey, Path userCert,
                SshServerProcess agent, SshServerProcess sshd, Path knownHosts, List<Child> children, BenchUser user) {
        this.options = options;
        this.work = work;
        this.plane = plane;
        this.userCa = userCa;
        this.userKey = userKey;
        this.userCert = userCert;
        this.api = plane.api();
        this.email = plane.email();
        this.agent = agent;
        this.sshd = sshd;
        this.knownHosts = knownHosts;
        this.children = children;
        this.user = user;
    }

    static Rig start(Options options) throws IOException {
        Path work = Files.createTempDirectory(Path.of("/dev/shm"), "postern-bench-");
        // the bench user must reach its SFTP directory inside; keys inside stay 0600
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        List<Child> children = new ArrayList<>();
        BenchUser user = BenchUser.ensure();
        Rig partial = null;
        try {
            ControlPlaneProcess plane = ControlPlaneProcess.start(options, work, "control-plane", ORG, children::add);
            Api api = plane.api();
            AuthorityView ca = plane.ca();
            Path userCa = work.resolve("user_ca.pub");
            Files.writeString(userCa, ca.userCaPublicKey().strip() + "\n");

            Path userKey = keygen(work, "id_ed25519");
            IssueResponse issued = api.post("/v1/orgs/" + ORG + "/certificates", new IssueRequest(plane.email(),
                    Files.readString(userKey.resolveSibling("id_ed25519.pub")).strip(), List.of(BenchUser.NAME), 24),
                    IssueResponse.class);
            Path userCert = work.resolve("id_ed25519-cert.pub");
            Files.writeString(userCert, issued.certificate().strip() + "\n");

            partial = new Rig(options, work, plane, userCa, userKey, userCert, null, null, null, children, user);
            SshServerProcess agent = partial.startAgent("agent");
            SshServerProcess sshd = partial.startSshd("sshd");
            Path knownHosts = work.resolve("known_hosts");
            Files.write(knownHosts, List.of(agent.knownHostsLine(), sshd.knownHostsLine()));
            return new Rig(options, work, plane, userCa, userKey, userCert, agent, sshd, knownHosts, children, user);
        } catch (IOException | RuntimeException e) {
            closeAll(children, work);
            user.close();
            throw e;
        }
    }

    /** Starts another Postern agent child ({@code java [agent opts] -jar postern-cli.jar agent ...}). */
    SshServerProcess startAgent(String name) throws IOException {
        Path data = work.resolve(name);
        Path hostKey = keygen(data, "ssh_host_ed25519_key");
        int port = freePort();
        AgentLaunch launch = AgentLaunch.of(options, name, List.of("--trusted-user-ca", userCa.toString(),
                "--listen", "127.0.0.1:" + port, "--data", data.toString()));
        Child child = Child.start(name, launch.command(), work.resolve(name + ".log"), launch.env());
        children.add(child);
        Duration ready = child.awaitReady(port, true, START_BOUND);
        return new SshServerProcess("postern", child, port, publicLine(hostKey), ready.toNanos() / 1e6);
    }

    /**
     * Starts another OpenSSH sshd child ({@code /usr/sbin/sshd -D -e -f CONFIG}) trusting the org's user CA,
     * with OpenSSH's own sftp-server as the SFTP subsystem.
     */
    SshServerProcess startSshd(String name) throws IOException {
        return startSshd(name, List.of());
    }

    /** {@link #startSshd(String)} with more sshd_config lines (they come after the common ones). */
    SshServerProcess startSshd(String name, List<String> extraConfig) throws IOException {
        Path dir = work.resolve(name);
        Path hostKey = keygen(dir, "ssh_host_ed25519_key");
        Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory
        int port = freePort();
        Path config = dir.resolve("sshd_config");
        List<String> lines = new ArrayList<>(List.of(
                "ListenAddress 127.0.0.1:" + port,
                "HostKey " + hostKey,
                "TrustedUserCAKeys " + userCa,
                "AuthorizedKeysFile none",
                "PermitRootLogin no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PidFile none",
                "LogLevel INFO",
                "MaxSessions 100",
                "MaxStartups 200:30:400",
                "Subsystem sftp /usr/lib/openssh/sftp-server"));
        lines.addAll(extraConfig);
        Files.write(config, lines);
        Child child = Child.start(name, List.of("/usr/sbin/sshd", "-D", "-e", "-f", config.toString()),
                work.resolve(name + ".log"), Map.of());
        children.add(child);
        Duration ready = child.awaitReady(port, true, START_BOUND);
        return new SshServerProcess("openssh", child, port, publicLine(hostKey), ready.toNanos() / 1e6);
    }

    /** Stops a server started by {@link #startAgent} or {@link #startSshd} before the rig closes. */
    void stop(SshServerProcess server) {
        stop(server.child());
    }

    /** Stops a child before the rig closes. */
    void stop(Child child) {
        child.close();
        children.remove(child);
    }

    /** Starts a long-running child (its output in work/NAME.log) that the rig stops when it closes. */
    Child startChild(String name, List<String> command) throws IOException {
        return track(Child.start(name, command, work.resolve(name + ".log"), Map.of()));
    }

    /** Hands a child started elsewhere to the rig, which stops it when it closes (if nobody did before). */
    Child track(Child child) {
        children.add(child);
        return child;
    }

    /**
     * Starts a Postern agent in tunnel mode ({@code postern agent --server URL --join-token T --fingerprint F
     * --data DIR}), with the
     * agent's JVM flags; with {@code listenPort} > 0 it also listens there (direct mode on the same process).
     * It joins on its own; the caller waits for it to be online.
     */
    Child startTunnelAgent(String name, ControlPlaneProcess server, String joinToken, int listenPort)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("--server", server.url(), "--join-token", joinToken, "--data",
                work.resolve(name).toString()));
        // the server's TLS key, as 'postern tokens create machine' prints it in the agent line
        server.api().pin().ifPresent(p -> args.addAll(List.of("--fingerprint", p.fingerprint().value())));
        if (listenPort > 0) {
            args.addAll(List.of("--listen", "127.0.0.1:" + listenPort));
        }
        AgentLaunch launch = AgentLaunch.of(options, name, args);
        return track(Child.start(name, launch.command(), work.resolve(name + ".log"), launch.env()));
    }

    /** A known_hosts file for extra servers. */
    Path knownHostsFor(String name, SshServerProcess... servers) throws IOException {
        Path file = work.resolve("known_hosts-" + name);
        List<String> lines = new ArrayList<>();
        for (SshServerProcess s : servers) {
            lines.add(s.knownHostsLine());
        }
        Files.write(file, lines);
        return file;
    }

    /** The PIDs of every child still running, for the leftover check. */
    List<Long> childPids() {
        return children.stream().filter(Child::alive).map(Child::pid).toList();
    }

    @Override
    public void close() {
        closeAll(children, work);
        user.close();
    }

    private static void closeAll(List<Child> children, Path work) {
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).close();
        }
        children.clear();
        if (!Boolean.getBoolean("bench.keepWork")) {
            deleteTree(work);
        }
    }

    /** With --jfr: the flag that records a JFR profile of the JVM {@code name} into the results directory. */
    static List<String> jfr(Options options, String name) throws IOException {
        if (!options.jfr()) {
            return List.of();
        }
        Files.createDirectories(options.results());
        return List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + options.results().resolve("jfr-" + name + ".jfr"));
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** ssh-keygen -t ed25519 into dir/name (0600) and dir/name.pub; returns the private key path. */
    static Path keygen(Path dir, String name) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path key = dir.resolve(name);
        Proc.check(Duration.ofSeconds(30), List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name,
                "-f", key.toString()));
        return key;
    }

    private static String publicLine(Path privateKey) throws IOException {
        return Files.readString(privateKey.resolveSibling(privateKey.getFileName() + ".pub"), StandardCharsets.UTF_8)
                .strip();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
