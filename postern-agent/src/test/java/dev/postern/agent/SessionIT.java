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
    static AgentFixture fx;
    static Path cert;

    @BeforeAll
    static void start() {
        fx = new AgentFixture(dir, Accounts.system());
        cert = fx.cert("root");
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void exitZeroIsSuccess() {
        ProcessResult r = fx.ssh(cert, "exit 0");
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    void exitThreeIsPassedThrough() {
        ProcessResult r = fx.ssh(cert, "exit 3");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    }

    @Test
    void stdoutAndStderrStaySeparateAndTheExitCodeIsExact() {
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
        ProcessResult r = fx.ssh(cert, "echo \"$APP_MARKER|$USER|$HOME|$LOGNAME\"; echo \"$SSH_CONNECTION\"");
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
            AgentFixture.await("sleep " + marker + " runs",
                    () -> !AgentFixture.processesRunning("sleep", marker).isEmpty());
        } finally {
            ssh.destroyForcibly();
        }
        AgentFixture.await("sleep " + marker + " is gone after the client dropped",
                () -> AgentFixture.processesRunning("sleep", marker).isEmpty());
    }
}
