package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.forward.Forwarding;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;

/**
 * An in-process stand-in for the agent until {@code Agent} exists: MINA SshServer on 127.0.0.1:0 with a
 * host key made by ssh-keygen, {@link FakeCertificateAuthenticator}, {@link TestExecCommandFactory}, and the
 * real {@link FileTransfer} and {@link Forwarding}. Users come from its own passwd file: alice (uid 4242,
 * not root) with a home under the test directory.
 */
public final class TestMachine implements AutoCloseable {
    public static final int ALICE_UID = 4242;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final TestCa ca;
    private final UserDirectory users;
    private final SshServer server;
    private final Path knownHosts;
    private final TestExecCommandFactory exec;

    private TestMachine(Path dir, TestCa ca, UserDirectory users, SshServer server, Path knownHosts,
                        TestExecCommandFactory exec) {
        this.exec = exec;
        this.dir = dir;
        this.ca = ca;
        this.users = users;
        this.server = server;
        this.knownHosts = knownHosts;
    }

    public static TestMachine start(Path dir) throws IOException {
        // alice must be able to reach her home inside the test's private temp directory
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path home = dir.resolve("home/alice");
        Files.createDirectories(home);
        Files.setPosixFilePermissions(dir.resolve("home"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(home, "unix:uid", ALICE_UID);
        Files.setAttribute(home, "unix:gid", ALICE_UID);
        Path passwd = dir.resolve("passwd");
        Path group = dir.resolve("group");
        Files.writeString(passwd, "root:x:0:0:root:" + dir.resolve("home/root") + ":/bin/sh\n"
                + "alice:x:" + ALICE_UID + ":" + ALICE_UID + ":Alice:" + home + ":/bin/sh\n");
        Files.writeString(group, "root:x:0:\nalice:x:" + ALICE_UID + ":\nshared:x:4343:alice\n");
        UserDirectory users = new UserDirectory(passwd, group);

        Path keys = Files.createDirectories(dir.resolve("keys"));
        TestCa ca = TestCa.create(keys);
        Path hostKey = keys.resolve("host");
        ProcessResult r = Processes.run(TIMEOUT, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                hostKey.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();

        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new FileKeyPairProvider(hostKey));
        server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        server.setPublickeyAuthenticator(new FakeCertificateAuthenticator(ca.publicKey()));
        server.setKeyboardInteractiveAuthenticator(null);
        server.setPasswordAuthenticator(null);
        TestExecCommandFactory exec = new TestExecCommandFactory(users);
        FileTransfer.install(server, users, exec);
        Forwarding.install(server, users, Files.createDirectories(dir.resolve("agent-sockets")));
        Files.setPosixFilePermissions(dir.resolve("agent-sockets"), PosixFilePermissions.fromString("rwx--x--x"));
        server.start();

        int port = ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
        Path knownHosts = keys.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + Files.readString(keys.resolve("host.pub")));
        return new TestMachine(dir, ca, users, server, knownHosts, exec);
    }

    public TestCa ca() {
        return ca;
    }

    public UserDirectory users() {
        return users;
    }

    public SshServer server() {
        return server;
    }

    /** The commands that reached the exec path (scp served in-process never does). */
    public List<String> execCommands() {
        return exec.commands();
    }

    public Path dir() {
        return dir;
    }

    public Path aliceHome() {
        return dir.resolve("home/alice");
    }

    public int port() {
        return ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
    }

    /** Client options shared by ssh, sftp and scp: strict host checking, this certificate only. */
    public List<String> clientOptions(Path identity, String login) {
        return new ArrayList<>(List.of("-F", "none",
                "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none",
                "-o", "IdentityFile=" + identity,
                "-o", "CertificateFile=" + identity + "-cert.pub",
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "Port=" + port(),
                "-o", "User=" + login,
                "-o", "ConnectTimeout=20"));
    }

    /** The ssh command line (without the remote command) as one string, for {@code rsync -e}. */
    public String sshCommand(Path identity, String login) {
        return "ssh " + String.join(" ", clientOptions(identity, login));
    }

    /** Runs {@code ssh [extra] 127.0.0.1 [remote...]} and returns its outcome. */
    public ProcessResult ssh(Path identity, String login, List<String> extra, String... remote) {
        return ssh(identity, login, extra, null, Map.of(), remote);
    }

    public ProcessResult ssh(Path identity, String login, List<String> extra, byte[] stdin, Map<String, String> env,
                             String... remote) {
        List<String> cmd = new ArrayList<>(List.of("ssh"));
        List<String> options = clientOptions(identity, login);
        if (env.containsKey("SSH_AUTH_SOCK")) {
            // the client only forwards an agent it may use itself
            options.set(options.indexOf("IdentityAgent=none"), "IdentityAgent=" + env.get("SSH_AUTH_SOCK"));
        }
        cmd.addAll(options);
        cmd.addAll(extra);
        cmd.add("127.0.0.1");
        cmd.addAll(List.of(remote));
        return Processes.run(TIMEOUT, cmd, stdin, env, null);
    }

    public static void owned(Path p, int uid) {
        try {
            Files.setAttribute(p, "unix:uid", uid);
            Files.setAttribute(p, "unix:gid", uid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
