package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopping agent ends its sessions' processes: alice (not root; the agent is) logs in with the real OpenSSH
 * client and runs a command that ignores SIGHUP, then the agent is closed while her client is still connected.
 * SIGHUP alone would leave the command running as alice for good, since nothing is left to send the SIGKILL of
 * the hang-up's grace period; the agent's close must kill it, and return only once it is gone.
 */
class AgentStopIT {
    private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

    @TempDir
    Path dir;

    @Test
    void aCommandThatIgnoresSighupIsGoneWhenTheAgentHasStopped() throws Exception {
        stopWhileRunning(List.of(), "trap '' HUP; echo started; sleep 4271", "4271");
    }

    @Test
    void aTerminalSessionThatIgnoresSighupIsGoneWhenTheAgentHasStopped() throws Exception {
        stopWhileRunning(List.of("-tt"), "trap '' HUP; echo started; sleep 4272", "4272");
    }

    /**
     * The shell has exited and been reaped, but what it started in the background keeps the session's output open
     * and ignores SIGHUP: the session is not over, and that process must not outlive the agent either.
     */
    @Test
    void whatAnExitedShellLeftInItsSessionIsGoneWhenTheAgentHasStopped() throws Exception {
        stopWhileRunning(List.of(), "trap '' HUP; sleep 4273 & echo started", "4273");
    }

    /**
     * As above, by a process in a process group of its own (as a job of an interactive shell is) whose name is not
     * UTF-8: the agent finds it in /proc all the same, and it must not outlive the agent either.
     */
    @Test
    void aProcessWithANameThatIsNotUtf8IsGoneWhenTheAgentHasStopped() throws Exception {
        String exe = "\"$HOME/$(printf '\\377')\"";
        stopWhileRunning(List.of(), "trap '' HUP; cp /bin/sleep " + exe + " && python3 -c 'import os, sys; "
                + "os.setpgid(0, 0); os.execv(sys.argv[1], \"sleep 4278\".split())' " + exe + " & echo started", "4278");
    }

    /**
     * The same without stopping the agent: alice's client goes away, and after the grace period nothing of her
     * session may be left, even though its shell had exited before the hang-up.
     */
    @Test
    void whatAnExitedShellLeftInItsSessionIsKilledAfterTheHangUpsGrace() throws Exception {
        try (LogCapture audit = new LogCapture("postern.audit");
             AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir)))) {
            Path cert = fx.cert("alice");
            try (LiveSession alice = new LiveSession(fx, "alice", cert, List.of(), "trap '' HUP; sleep 4274 & echo started")) {
                alice.awaitStarted();
                // a background command may print before its sleep has started
                AgentFixture.await("alice's command runs", () -> !AgentFixture.processesRunning("sleep", "4274")
                        .isEmpty());
                alice.process.destroyForcibly(); // the connection drops
                AgentFixture.await("alice's hung-up command is gone",
                        () -> AgentFixture.processesRunning("sleep", "4274").isEmpty());
                // its shell had exited before the hang-up: no exit callback writes this line
                AgentFixture.await("the hang-up is audited", () -> audit.lines().stream()
                        .anyMatch(l -> l.contains("\"event\":\"session.end\"") && l.contains("sleep 4274")
                                && l.contains("\"end\":\"hangup\"")));
            } finally {
                killLeftOver("4274");
            }
        }
    }

    /**
     * alice's connection drops and her shell dies of the SIGHUP at once; until the hang-up's grace is over, its
     * SIGKILL (and a stopping agent's) is still to reach what is left in her session. Meanwhile her session's number
     * must stay hers: had it gone to another session whose own leader has exited since (here root's daemon that
     * forked twice; as well another person's background job), that session's processes would be killed.
     */
    @Test
    void aHungUpSessionsKillSparesTheSessionThatGotItsNumber() throws Exception {
        assumeTrue(Files.isWritable(LAST_PID), "handing out a given pid needs " + LAST_PID + " (root)");
        List<Long> daemons = new ArrayList<>();
        try (LogCapture audit = new LogCapture("postern.audit");
             AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir))
                     .killGrace(Duration.ofSeconds(5)))) {
            try (LiveSession alice = LiveSession.sleep(fx, fx.cert("alice"), "4275", List.of())) {
                alice.awaitStarted();
                long shell = LiveSession.pidStarted(audit, "4275");
                assertThat(shell).as("the session's start in the audit log").isPositive();
                alice.process.destroyForcibly(); // the connection drops
                AgentFixture.await("alice's shell ended on the hang-up", () -> !live(shell));
                // hand the number out next (the JVM's threads, or another process, may take it first)
                for (int i = 0; i < 20 && daemons.stream().noneMatch(d -> sessionOf(d) == shell); i++) {
                    Files.writeString(LAST_PID, Long.toString(shell - 1));
                    daemons.add(daemonForkedTwice("4276"));
                }
            }
            fx.close(); // the hang-up's SIGKILL is due at the latest now, and the stopping agent's own
            assertThat(daemons).as("root's daemons (session " + daemons.stream().map(AgentStopIT::sessionOf).toList()
                    + ") once alice's hang-up is over and the agent stopped").allMatch(AgentStopIT::live);
        } finally {
            daemons.forEach(d -> ProcessHandle.of(d).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /**
     * Starts {@code setsid sh -c 'sleep TAG &'} as the test (root): sh leads a new session and exits, its sleep stays
     * in that session.
     *
     * @return the sleep's pid
     */
    private static long daemonForkedTwice(String tag) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("setsid", "sh", "-c", "sleep " + tag + " </dev/null >/dev/null 2>&1 & echo $!")
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            p.waitFor();
            return Long.parseLong(line.strip());
        }
    }

    /** The session id of {@code pid}, or -1 once it has ended. */
    private static long sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                    StandardCharsets.ISO_8859_1); // its name may be any bytes
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
        } catch (IOException gone) {
            return -1;
        }
    }

    /** Ends what a failed test left running, so it does not outlive the test as alice. */
    private static void killLeftOver(String tag) {
        for (long pid : AgentFixture.processesRunning("sleep", tag)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private void stopWhileRunning(List<String> options, String command, String tag) throws Exception {
        try (LogCapture audit = new LogCapture("postern.audit")) {
            AgentFixture fx = new AgentFixture(dir, b -> b.accounts(TestUsers.withAlice(dir)));
            Thread closer = new Thread(fx::close, "agent-closer");
            try (LiveSession alice = new LiveSession(fx, "alice", fx.cert("alice"), options, command)) {
                alice.awaitStarted();
                AgentFixture.await("alice's command runs", () -> !AgentFixture.processesRunning("sleep", tag).isEmpty());
                List<Long> running = AgentFixture.processesRunning("sleep", tag);
                assertThat(running).as("alice's command runs").hasSize(1);
                assertThat(uid(running.get(0))).as("as alice").isEqualTo(TestUsers.ALICE_UID);
                long shell = LiveSession.pidStarted(audit, tag);
                assertThat(shell).as("the session's start in the audit log").isPositive();

                closer.start();
                closer.join(AgentFixture.TIMEOUT.toMillis());
                assertThat(closer.isAlive()).as("the agent's close returned").isFalse();

                assertThat(AgentFixture.processesRunning("sleep", tag)).as("alice's command once the agent stopped")
                        .isEmpty();
                assertThat(live(shell)).as("alice's shell (pid " + shell + ") once the agent stopped").isFalse();
            } finally {
                if (closer.getState() == Thread.State.NEW) {
                    fx.close(); // an assertion failed before the close
                }
                killLeftOver(tag);
            }
        }
    }

    /** Whether {@code pid} is a process that has not ended (a zombie has). */
    private static boolean live(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                    StandardCharsets.ISO_8859_1); // its name may be any bytes
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }

    private static int uid(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.split("\\s+")[1]);
            }
        }
        throw new AssertionError("no Uid line for pid " + pid);
    }
}
