package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hang-up of a PTY session whose shell has exited and been reaped, while its output was still drained (its
 * client decides how long that takes). Its pid may have gone to another process by then, such as the shell of
 * another person's session, which leads a session of that same number; that session must not be hung up.
 * Nor may a session of that number whose own leader has exited too (a daemon that forked twice, another session's
 * background job): so a session's shell is reaped only once nothing will signal its session again. Likewise
 * without pidfds: a child is reaped only where it is signalled, on the reactor thread, and only when told.
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
            ended.signalSession(Posix.SIGHUP, ProcessTable.scan());
        } finally {
            Libc.C.kill(other.pid, Posix.SIGTERM);
        }
        // a fatal signal is decided before kill(2) returns, and the first one is how the process ends
        assertThat(other.waitBlocking().signal()).as("the signal that ended the other session's shell")
                .isEqualTo(Posix.SIGTERM);
    }

    /**
     * The number went to a process that started a session and exited, leaving a process in it, as a daemon that
     * forks twice does: no process has the number, yet the session does. A signal meant for the reaped child's
     * session must not reach that process.
     */
    @Test
    void aSignalAfterTheLeaderWasReapedSparesASessionWhoseOwnLeaderHasExited() throws Exception {
        assumeTrue(Files.isWritable(LAST_PID), "handing out a given pid needs " + LAST_PID + " (root)");
        ChildProcess ended = spawn("/bin/true");
        assertThat(ended.waitBlocking().code()).isZero();
        List<Integer> left = List.of();
        for (int i = 0; i < 20 && left.isEmpty(); i++) { // the JVM's own new threads may take the number first
            Files.writeString(LAST_PID, Integer.toString(ended.pid - 1));
            ChildProcess c = spawn("/bin/sh", "-c", "sleep 30 </dev/null >/dev/null 2>&1 & exit 0");
            c.waitBlocking();
            List<Integer> members = awaitMembers(c.pid);
            if (c.pid == ended.pid) {
                left = members;
            } else {
                members.forEach(m -> Libc.C.kill(m, Posix.SIGKILL));
            }
        }
        assumeTrue(!left.isEmpty(), "pid " + ended.pid + " was not handed out again");
        int other = left.get(0);
        try {
            ended.signalSession(Posix.SIGKILL, ProcessTable.scan());
            assertThat(Posix.sessionMembers(ended.pid)).as("the other session's background process " + other)
                    .contains(other);
        } finally {
            Libc.C.kill(other, Posix.SIGKILL);
        }
    }

    /**
     * Linux before 5.3 has no pidfd, and a waiter thread learns of the exit instead. Had it reaped the child, the
     * reactor (which signals a hung-up session when its status is still unknown) could signal a pid that another
     * process got meanwhile; so the child must stay a zombie, its pid its own, until the reactor reaps it.
     */
    @Test
    void withoutAPidfdAnExitedChildKeepsItsPidUntilTheReactorReapsIt() throws Exception {
        ChildProcess spawned = spawn("/bin/true");
        ChildProcess child = new ChildProcess(spawned.pid, -1, -1, -1, -1); // as Spawner makes it without pidfd
        Path proc = Path.of("/proc", Integer.toString(child.pid));
        Reactor reactor = new Reactor("child-test");
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            reactor.execute(() -> {
                busy.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
            child.whenExited(reactor, exited::complete);
            String waiter = "postern-wait-" + child.pid;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(waiter))) {
                assertThat(System.nanoTime() < deadline).as("the waiter thread handed the exit over").isTrue();
                Thread.sleep(10);
            }
            assertThat(proc).as("the exited child, not reaped while the reactor is busy").exists();
            assertThat(child.status()).isNull();
            release.countDown();
            assertThat(exited.get(30, TimeUnit.SECONDS).code()).isZero();
            assertThat(proc).as("the exited child, reported but not reaped until its session is over").exists();
            CompletableFuture<Boolean> reaped = new CompletableFuture<>();
            reactor.execute(() -> {
                child.reap();
                reaped.complete(child.reaped());
            });
            assertThat(reaped.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(proc).as("reaped by the reactor").doesNotExist();
        } finally {
            release.countDown();
            reactor.close();
        }
    }

    /** The processes in session {@code sid} once there is one (its leader's background child starts it). */
    private static List<Integer> awaitMembers(int sid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Integer> members = Posix.sessionMembers(sid);
        while (members.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            members = Posix.sessionMembers(sid);
        }
        return members;
    }

    private static ChildProcess spawn(String... argv) throws Exception {
        return Spawner.spawn(new SpawnSpec(argv[0], List.of(argv), Map.of("PATH", "/usr/bin:/bin"), "/", null, true,
                null));
    }
}
