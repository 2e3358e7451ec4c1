package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signalling a session's processes found in /proc: one that exits between the scan and the signal may have its
 * number handed to another process at once (here by ns_last_pid), which must not get the signal.
 */
class PosixTest {
    private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

    @Test
    void aMemberThatExitedAfterTheScanIsNotConfusedWithTheProcessThatGotItsNumber() throws Exception {
        assumeTrue(Files.isWritable(LAST_PID), "handing out a given pid needs " + LAST_PID + " (root)");
        // a session whose shell waits for its background job: the job is a member of another pid than the leader
        ChildProcess leader = Spawner.spawn(new SpawnSpec("/bin/sh", List.of("/bin/sh", "-c", "sleep 30 & wait"),
                Map.of("PATH", "/usr/bin:/bin"), "/", null, true, null));
        Process other = null;
        try {
            int member = awaitMember(leader.pid);
            Libc.C.kill(member, Posix.SIGKILL); // the shell's wait reaps it: the number is free
            awaitGone(member);
            for (int i = 0; i < 20 && other == null; i++) { // the JVM's own new threads may take the number first
                Files.writeString(LAST_PID, Integer.toString(member - 1));
                Process p = new ProcessBuilder("sleep", "30").start();
                if (p.pid() == member) {
                    other = p;
                } else {
                    p.destroyForcibly();
                }
            }
            assumeTrue(other != null, "pid " + member + " was not handed out again");
            assertThat(Posix.signalMember(member, leader.pid, Posix.SIGKILL)).isFalse();
            assertThat(other.isAlive()).as("the process that got the number, in the test's own session").isTrue();
        } finally {
            if (other != null) {
                other.destroyForcibly();
            }
            Posix.signalSession(leader.pid, Posix.SIGKILL);
            leader.waitBlocking();
        }
    }

    @Test
    void aMemberStillInTheSessionIsSignalled() throws Exception {
        ChildProcess leader = Spawner.spawn(new SpawnSpec("/bin/sh", List.of("/bin/sh", "-c", "sleep 30 & wait"),
                Map.of("PATH", "/usr/bin:/bin"), "/", null, true, null));
        try {
            int member = awaitMember(leader.pid);
            assertThat(Posix.signalMember(member, leader.pid, Posix.SIGKILL)).isTrue();
            awaitGone(member);
            assertThat(leader.waitBlocking().code()).as("the shell's wait ends with its job").isZero();
        } finally {
            Posix.signalSession(leader.pid, Posix.SIGKILL);
            leader.waitBlocking();
        }
    }

    /**
     * A process names itself (its executable's file name, or prctl): any bytes, not necessarily UTF-8. Such a
     * process is still its session's, and must get its signals; it is not one that exited while /proc was read.
     */
    @Test
    void aProcessWhoseNameIsNotUtf8IsFoundInItsSession(@TempDir Path dir) throws Exception {
        String script = "cp /bin/sleep \"$0/$(printf '\\377x')\" && exec \"$0/$(printf '\\377x')\" 30";
        ChildProcess leader = Spawner.spawn(new SpawnSpec("/bin/sh", List.of("/bin/sh", "-c", script,
                dir.toString()), Map.of("PATH", "/usr/bin:/bin"), "/", null, true, null));
        try {
            Path stat = Path.of("/proc", Integer.toString(leader.pid), "stat");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!new String(Files.readAllBytes(stat), StandardCharsets.ISO_8859_1).contains("(\u00ffx)")) {
                assertThat(System.nanoTime() < deadline).as("the renamed sleep runs within 30 s").isTrue();
                Thread.sleep(10);
            }
            assertThat(Posix.sessionMembers(leader.pid)).contains(leader.pid);
        } finally {
            Posix.signalSession(leader.pid, Posix.SIGKILL);
            leader.waitBlocking();
        }
    }

    private static int awaitMember(int sid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (int pid : Posix.sessionMembers(sid)) {
                if (pid != sid) {
                    return pid;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no background job in session " + sid + " within 30 s");
    }

    private static void awaitGone(int pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.exists(Path.of("/proc", Integer.toString(pid)))) {
            assertThat(System.nanoTime() < deadline).as("pid " + pid + " reaped within 30 s").isTrue();
            Thread.sleep(10);
        }
    }
}
