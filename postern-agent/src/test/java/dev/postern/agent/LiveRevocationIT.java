package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revoking a certificate ends the sessions already open with it, on an agent reached directly (no gateway
 * to end them). alice keeps a session open with the real OpenSSH client; her certificate's serial is
 * revoked in the agent's KRL file while a colleague's session runs next to hers.
 */
class LiveRevocationIT {
    /** What the agent promises: a live session ends this soon after it reads a list that revokes it. */
    private static final long DEADLINE_SECONDS = 5;

    @TempDir
    Path dir;

    @Test
    void aSessionWhoseSerialIsRevokedEndsWithTheReasonAndAnAuditLine() throws Exception {
        Path krl = dir.resolve("revoked.krl");
        keygen("-k", "-f", krl.toString());
        try (LogCapture audit = new LogCapture("postern.audit");
             AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir)).revokedFile(krl))) {
            Path revoked = fx.cert("alice");
            Path colleague = fx.cert("alice");
            try (LiveSession session = LiveSession.sleep(fx, revoked, "4251", List.of());
                 LiveSession other = LiveSession.sleep(fx, colleague, "4252", List.of())) {
                session.awaitStarted();
                other.awaitStarted();

                Path spec = Files.writeString(dir.resolve("krl-spec"), "serial: " + AgentFixture.serialOf(revoked)
                        + "\n");
                keygen("-k", "-u", "-f", krl.toString(), "-s", dir.resolve("user_ca.pub").toString(), spec.toString());

                assertThat(session.process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS))
                        .as("the revoked session ended within " + DEADLINE_SECONDS + " s").isTrue();
                assertThat(session.process.exitValue()).isEqualTo(255);
                assertThat(session.err()).contains("certificate revoked");
                assertThat(other.process.isAlive()).as("the colleague's session, not revoked").isTrue();
                AgentFixture.await("the revoked session's command is gone",
                        () -> AgentFixture.processesRunning("sleep", "4251").isEmpty());
                assertThat(AgentFixture.processesRunning("sleep", "4252")).isNotEmpty();
                assertThat(audit.lines()).anySatisfy(l -> assertThat(l).contains("\"event\":\"session.revoked\"")
                        .contains("\"serial\":" + AgentFixture.serialOf(revoked))
                        .contains("\"principal\":\"alice\"").contains("\"reason\":\"certificate revoked\""));
                assertThat(audit.lines()).noneSatisfy(l -> assertThat(l).contains("\"event\":\"session.revoked\"")
                        .contains("\"serial\":" + AgentFixture.serialOf(colleague)));
            }
        }
    }

    /**
     * alice's revoked connection had asked the agent to listen for her ({@code ssh -R}): the listener must end
     * with the connection, or the agent keeps serving a port for a certificate it no longer accepts.
     */
    @Test
    void aRevokedConnectionsRemoteForwardStopsListening() throws Exception {
        Path krl = dir.resolve("revoked.krl");
        keygen("-k", "-f", krl.toString());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir)).revokedFile(krl))) {
            Path revoked = fx.cert("alice");
            try (LiveSession session = LiveSession.sleep(fx, revoked, "4253", List.of("-o", "ExitOnForwardFailure=yes",
                    "-R", "127.0.0.1:" + port + ":127.0.0.1:9"))) {
                session.awaitStarted();
                assertThat(accepts(port)).as("alice's -R port listens before the revocation").isTrue();

                Path spec = Files.writeString(dir.resolve("krl-spec"), "serial: " + AgentFixture.serialOf(revoked)
                        + "\n");
                keygen("-k", "-u", "-f", krl.toString(), "-s", dir.resolve("user_ca.pub").toString(), spec.toString());

                assertThat(session.process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
                AgentFixture.await("the revoked connection's -R port " + port + " is closed", () -> !accepts(port));
            }
        }
    }

    /**
     * The revocation lands while alice's session is starting: MINA ends the channel (destroy) on the revoking
     * thread while the I/O thread is still in start(), before the child is wired to the session I/O thread. The
     * child started then must be hung up too, not left running unattended for a certificate the agent no longer
     * accepts. The passwd file is a FIFO, so start() waits in it (looking alice up) until the test has revoked.
     */
    @Test
    void aSessionRevokedWhileItStartsDoesNotLeaveItsCommandRunning() throws Exception {
        Path krl = dir.resolve("revoked.krl");
        keygen("-k", "-f", krl.toString());
        Accounts accounts = TestUsers.withAlice(dir);
        Path passwd = accounts.passwdFile();
        byte[] users = Files.readAllBytes(passwd);
        Files.delete(passwd);
        ProcessResult fifo = Processes.run(AgentFixture.TIMEOUT, List.of("mkfifo", "-m", "644", passwd.toString()));
        assertThat(fifo.exitCode()).as(fifo.toString()).isZero();
        try (LogCapture audit = new LogCapture("postern.audit");
             AgentFixture fx = new AgentFixture(dir, b -> b.accounts(accounts).revokedFile(krl))) {
            Path revoked = fx.cert("alice");
            // opening a FIFO to write returns once a reader has it open: the session's start(), looking alice up
            CompletableFuture<OutputStream> lookingUp = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.newOutputStream(passwd);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (LiveSession session = LiveSession.sleep(fx, revoked, "4254", List.of())) {
                OutputStream w = lookingUp.get(AgentFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                Path spec = Files.writeString(dir.resolve("krl-spec"), "serial: " + AgentFixture.serialOf(revoked)
                        + "\n");
                keygen("-k", "-u", "-f", krl.toString(), "-s", dir.resolve("user_ca.pub").toString(), spec.toString());
                assertThat(session.process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS))
                        .as("the revoked connection ended within " + DEADLINE_SECONDS + " s").isTrue();
                try (w) {
                    w.write(users); // start() goes on and spawns the command
                }
                AgentFixture.await("the session's command was started", () -> LiveSession.pidStarted(audit, "4254") > 0);
                long pid = LiveSession.pidStarted(audit, "4254");
                AgentFixture.await("the command of the revoked session (pid " + pid + ") is gone",
                        () -> !Files.exists(Path.of("/proc", Long.toString(pid))));
            }
        }
    }

    /**
     * The admin of an agent reached directly takes a compromised user CA out of {@code --trusted-user-ca} and
     * puts the new one in. The attacker holds a certificate of the old CA and is already logged in: no KRL names
     * the old CA, yet the agent no longer trusts it, so the connection must end as a revoked one does.
     */
    @Test
    void aConnectionWhoseCaIsNoLongerTrustedEnds() throws Exception {
        try (AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir)))) {
            Path oldCaCert = fx.cert("alice");
            Path newCa = dir.resolve("new_user_ca");
            AgentFixture.keygen(newCa);
            Path newCaCert = fx.cert(newCa, "alice");
            try (LiveSession attacker = LiveSession.sleep(fx, oldCaCert, "4254", List.of())) {
                attacker.awaitStarted();

                Path replacement = Files.copy(newCa.resolveSibling("new_user_ca.pub"), dir.resolve("user_ca.pub.new"));
                Files.move(replacement, dir.resolve("user_ca.pub"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                // the agent re-reads the file at most once a second
                AgentFixture.await("the agent trusts the new CA",
                        () -> fx.ssh("alice", newCaCert, List.of(), "true", null).exitCode() == 0);
                try (LiveSession colleague = LiveSession.sleep(fx, newCaCert, "4255", List.of())) {
                    colleague.awaitStarted();

                    assertThat(attacker.process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS))
                            .as("the old CA's session ended within " + DEADLINE_SECONDS + " s").isTrue();
                    assertThat(attacker.err()).contains("no longer trusted");
                    assertThat(colleague.process.isAlive()).as("the new CA's session").isTrue();
                }
            }
        }
    }

    /** alice's revoked SFTP session, idle between two commands, ends too, and so does the thread serving it as her. */
    @Test
    void aRevokedSftpSessionEndsWithItsTransferThread() throws Exception {
        Path krl = dir.resolve("revoked.krl");
        keygen("-k", "-f", krl.toString());
        try (AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir)).revokedFile(krl))) {
            Path revoked = fx.cert("alice");
            List<String> cmd = new ArrayList<>(List.of("sftp"));
            cmd.addAll(fx.clientOptions("alice", revoked));
            cmd.addAll(List.of("-b", "-", "127.0.0.1"));
            Process sftp = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            OutputStream commands = sftp.getOutputStream();
            try {
                commands.write("pwd\n".getBytes(StandardCharsets.UTF_8));
                commands.flush();
                AgentFixture.await("alice's sftp runs", () -> !sftpThreads().isEmpty() || !sftp.isAlive());
                assertThat(sftp.isAlive()).isTrue();

                Path spec = Files.writeString(dir.resolve("krl-spec"), "serial: " + AgentFixture.serialOf(revoked)
                        + "\n");
                keygen("-k", "-u", "-f", krl.toString(), "-s", dir.resolve("user_ca.pub").toString(), spec.toString());

                AgentFixture.await("no thread serves alice's SFTP any more", () -> sftpThreads().isEmpty());
                // the client only notices at its next command (it waits on its batch input meanwhile)
                try {
                    commands.write("ls\n".getBytes(StandardCharsets.UTF_8));
                    commands.close();
                } catch (IOException gone) {
                    // sftp has already exited
                }
                assertThat(sftp.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("sftp ended").isTrue();
                assertThat(sftp.exitValue()).as(new String(sftp.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8)).isNotZero();
            } finally {
                sftp.destroyForcibly();
            }
        }
    }

    private static List<String> sftpThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.equals("postern-sftp-alice")).toList();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void keygen(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q"));
        cmd.addAll(List.of(args));
        ProcessResult r = Processes.run(AgentFixture.TIMEOUT, cmd);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }
}
