package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hang-up of a PTY session whose shell has exited and been reaped, while its output was still drained (its
 * client decides how long that takes). Its pid may have gone to another process by then, such as the shell of
 * another person's session, which leads a session of that same number; that session must not be hung up.
 */
class ChildProcessTest {
    private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

    @Test
    void aHangUpAfterTheLeaderWasReapedSparesTheSessionThatGotItsPid() throws Exception {
        assumeTrue(Files.isWritable(LAST_PID), "handing out a given pid needs " + LAST_PID + " (root)");
        ChildProcess ended = spawn("/bin/true");
        assertThat(ended.waitBlocking().code()).isZero();
        ChildProcess other = null;
        for (int i = 0; i < 20 && other == null; i++) { // the JVM's own new threads may take the number first
            Files.writeString(LAST_PID, Integer.toString(ended.pid - 1));
            ChildProcess c = spawn("/bin/sleep", "30");
            if (c.pid == ended.pid) {
                other = c;
            } else {
                Libc.C.kill(c.pid, Posix.SIGKILL);
                c.waitBlocking();
            }
        }
        assumeTrue(other != null, "pid " + ended.pid + " was not handed out again");
        try {
            ended.signalSession(Posix.SIGHUP);
        } finally {
            Libc.C.kill(other.pid, Posix.SIGTERM);
        }
        // a fatal signal is decided before kill(2) returns, and the first one is how the process ends
        assertThat(other.waitBlocking().signal()).as("the signal that ended the other session's shell")
                .isEqualTo(Posix.SIGTERM);
    }

    private static ChildProcess spawn(String... argv) throws Exception {
        return Spawner.spawn(new SpawnSpec(argv[0], List.of(argv), Map.of("PATH", "/usr/bin:/bin"), "/", null, true,
                null));
    }
}
