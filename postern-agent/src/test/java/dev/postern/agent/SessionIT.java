package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.agent.session.Accounts;
import dev.postern.testing.ProcessResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exec and shell sessions against the real OpenSSH client, logging in as root (the tests run as root). */
class SessionIT {
    @TempDir
    static Path dir;
    static SessionFixture fx;
    static Path cert;

    @BeforeAll
    static void start() {
        fx = new SessionFixture(dir, Accounts.system());
        cert = fx.cert("root");
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void exitCodesAndSeparateStreams() {
        assertThat(fx.ssh(cert, "exit 0").exitCode()).isZero();
        assertThat(fx.ssh(cert, "exit 3").exitCode()).isEqualTo(3);
        ProcessResult r = fx.ssh(cert, "echo a; echo b >&2; exit 7");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("a\n");
        assertThat(r.stderr()).isEqualTo("b\n");
    }

    @Test
    void stdinIsPassedThroughAndItsEndEndsTheCommand() {
        ProcessResult r = fx.ssh("root", cert, List.of(), "cat", "hi\n");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("hi\n");
    }

    @Test
    void largeOutputArrivesComplete() {
        ProcessResult r = fx.ssh(cert, "head -c 3000000 /dev/zero | tr '\\0' x");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).hasSize(3_000_000);
    }

    @Test
    void ptySessionHasATerminal() {
        ProcessResult r = fx.ssh("root", cert, List.of("-tt"), "tty; echo term=$TERM", null);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).containsPattern("/dev/pts/[0-9]+\r?\n");
    }

    @Test
    void interactiveShellReadsCommandsFromTheTerminal() {
        ProcessResult r = fx.ssh("root", cert, List.of("-tt"), null, "echo shell-$((6*7))\nexit 4\n");
        assertThat(r.stdout()).as(r.toString()).contains("shell-42");
        assertThat(r.exitCode()).isEqualTo(4);
    }

    @Test
    void sessionSeesTheEntrypointEnvironmentAndLoginVariables() {
        ProcessResult r = fx.ssh(cert, "echo \"$POSTERN_APP_MARKER|$USER|$HOME|$LOGNAME\"; echo \"$SSH_CONNECTION\"");
        assertThat(r.stdout()).as(r.toString()).startsWith("from-the-entrypoint|root|/root|root\n");
        assertThat(r.stdout()).containsPattern("127\\.0\\.0\\.1 [0-9]+ 127\\.0\\.0\\.1 " + fx.agent.port());
    }

    @Test
    void clientMaySetLangButNotOtherVariables() {
        ProcessResult r = fx.ssh("root", cert, List.of("-o", "SetEnv=LANG=C.UTF-8 FOO=bar LC_TIME=C"),
                "echo \"$LANG|$FOO|$LC_TIME\"", null);
        assertThat(r.stdout()).as(r.toString()).isEqualTo("C.UTF-8||C\n");
    }

    @Test
    void forceCommandRunsInsteadOfTheRequestedOne() {
        Path forced = fx.cert("root", "-O", "force-command=echo forced:$SSH_ORIGINAL_COMMAND");
        ProcessResult r = fx.ssh(forced, "echo requested");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("forced:echo requested\n");
    }

    @Test
    void ptyIsRefusedWithoutPermitPty() {
        Path noPty = fx.cert("root", "-O", "no-pty");
        ProcessResult r = fx.ssh("root", noPty, List.of("-tt", "-o", "LogLevel=INFO"), "tty", null);
        // with -tt (RequestTTY=force) the client gives up when the pty is refused; with a permit-pty
        // certificate the same request works (ptySessionHasATerminal)
        assertThat(r.stderr()).as(r.toString()).contains("PTY allocation request failed");
        assertThat(r.stdout()).doesNotContain("/dev/pts/");
        ProcessResult plain = fx.ssh(noPty, "tty");
        assertThat(plain.stdout()).as(plain.toString()).isEqualTo("not a tty\n");
    }

    @Test
    void sftpIsServedByTheAgent() throws IOException {
        java.nio.file.Files.writeString(dir.resolve("up.txt"), "payload\n");
        List<String> cmd = new java.util.ArrayList<>(fx.sshCommand("root", cert, List.of()));
        cmd.set(0, "sftp");
        int p = cmd.indexOf("-p");
        cmd.set(p, "-P");
        cmd.add(1, "-b");
        cmd.add(2, "-");
        ProcessResult r = dev.postern.testing.Processes.run(SessionFixture.TIMEOUT, cmd,
                ("put " + dir.resolve("up.txt") + " " + dir.resolve("down.txt") + "\n").getBytes(), java.util.Map.of(),
                null);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(java.nio.file.Files.readString(dir.resolve("down.txt"))).isEqualTo("payload\n");
    }

    @Test
    void droppedPtyClientLeavesNoProcessBehind() throws IOException {
        assertDroppedClientLeavesNothing(List.of("-tt"), "4242");
    }

    @Test
    void droppedExecClientLeavesNoProcessBehind() throws IOException {
        assertDroppedClientLeavesNothing(List.of("-T"), "4243");
    }

    private void assertDroppedClientLeavesNothing(List<String> options, String marker) throws IOException {
        List<String> cmd = fx.sshCommand("root", cert, options);
        cmd.add("sleep " + marker + "; echo not-reached");
        Process ssh = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            SessionFixture.await("sleep " + marker + " runs",
                    () -> !SessionFixture.processesRunning("sleep", marker).isEmpty());
        } finally {
            ssh.destroyForcibly();
        }
        SessionFixture.await("sleep " + marker + " is gone after the client dropped",
                () -> SessionFixture.processesRunning("sleep", marker).isEmpty());
    }
}
