package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import dev.postern.agent.AgentFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Window changes as a person makes them: the real OpenSSH client runs on a terminal of its own (a PTY
 * opened by the agent's own {@link Pty}, the test being the terminal emulator), the test resizes that
 * terminal, the kernel sends the client SIGWINCH, the client sends "window-change", and the remote
 * {@code stty size} follows.
 */
class WindowChangeIT {
    @TempDir
    static Path dir;
    static AgentFixture fx;

    @BeforeAll
    static void start() {
        fx = new AgentFixture(dir, Accounts.system());
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void sttySizeFollowsAWindowChangeOfTheClientsTerminal() throws Exception {
        List<String> argv = fx.sshCommand("root", fx.cert("root"), List.of("-tt"));
        // the remote side polls its own size, so nothing races the window-change; bounded at 25 s
        argv.add("stty size; i=0; while [ \"$(stty size)\" = '24 80' ] && [ $i -lt 500 ]; do sleep 0.05;"
                + " i=$((i+1)); done; stty size");
        Pty terminal = Pty.open(80, 24);
        StringBuilder screen = new StringBuilder();
        try {
            ChildProcess ssh = Spawner.spawn(new SpawnSpec("/usr/bin/ssh", argv,
                    Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString()), dir.toString(), terminal.slave, false, null));
            AgentFixture.await("the first stty size", () -> read(terminal, screen).contains("24 80"));

            terminal.resize(132, 50);

            AgentFixture.await("stty size after the window change", () -> read(terminal, screen).contains("50 132"));
            ExitStatus status = ssh.waitBlocking();
            assertThat(status.code()).as(screen.toString()).isZero();
        } finally {
            terminal.close();
        }
    }

    /** Appends what the terminal has to show (the master is non-blocking) and returns the whole screen. */
    private static String read(Pty terminal, StringBuilder screen) {
        byte[] buf = new byte[4096];
        while (true) {
            try {
                long n = Libc.C.read(terminal.master, buf, buf.length);
                if (n <= 0) {
                    break;
                }
                screen.append(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
            } catch (LastErrorException e) {
                break; // EAGAIN: nothing more now; EIO: the client has exited
            }
        }
        return screen.toString();
    }
}
