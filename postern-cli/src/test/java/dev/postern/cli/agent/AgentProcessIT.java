package dev.postern.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern agent} end to end, as a machine runs it: a separate JVM started through
 * {@code dev.postern.cli.Main} with the product's logging configuration, an entrypoint after {@code --}, the
 * real OpenSSH client logging in with an ssh-keygen certificate, then SIGTERM to the agent process.
 */
class AgentProcessIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("postern agent listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void sessionsSeeTheEntrypointsEnvironmentAndSigtermReachesTheEntrypointWhoseStatusIsTheAgents()
            throws Exception {
        Path data = dir.resolve("data");
        Process agent = startAgent(data);
        Output out = new Output(agent.getInputStream());
        Output err = new Output(agent.getErrorStream());
        try {
            await("the entrypoint started", () -> out.text().contains("started\n"), agent, out, err);
            await("the agent listens", () -> LISTENING.matcher(err.text()).find(), agent, out, err);
            int port = port(err);
            Path knownHosts = knownHosts(port, data);

            ProcessResult ssh = Processes.run(TIMEOUT, ssh(port, knownHosts,
                    "echo \"$APP_DATABASE|${POSTERN_JOIN_TOKEN-none}\"; exit 3"));
            assertThat(ssh.exitCode()).as(ssh + "\nagent: " + err.text()).isEqualTo(3);
            // the agent's own variables stay with the agent
            assertThat(ssh.stdout()).isEqualTo("db-primary-7|none\n");

            terminate(agent);

            assertThat(agent.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the agent exits").isTrue();
            assertThat(agent.exitValue()).as(err.text()).isEqualTo(42);
            await("the entrypoint's last words", () -> out.text().contains("got-term\n"), agent, out, err);
            assertThat(err.text()).contains("\"event\":\"session.end\"").contains("\"exitCode\":3");
        } finally {
            stop(agent);
        }
    }

    /**
     * A container runtime stops the machine while a session runs a command that ignores SIGHUP: the agent must
     * not exit and leave it running (the container's init gone, it would outlive the agent as its user).
     */
    @Test
    void sigtermEndsTheSessionsCommandsBeforeTheAgentExits() throws Exception {
        Path data = dir.resolve("data");
        Process agent = startAgent(data);
        Output out = new Output(agent.getInputStream());
        Output err = new Output(agent.getErrorStream());
        Process session = null;
        try {
            await("the agent listens", () -> LISTENING.matcher(err.text()).find(), agent, out, err);
            int port = port(err);
            Path knownHosts = knownHosts(port, data);
            session = new ProcessBuilder(ssh(port, knownHosts, "trap '' HUP; echo started; sleep 4281"))
                    .redirectOutput(dir.resolve("session.out").toFile())
                    .redirectError(dir.resolve("session.err").toFile()).start();
            await("the session's command runs", () -> !running("sleep", "4281").isEmpty(), agent, out, err);

            terminate(agent);

            assertThat(agent.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the agent exits").isTrue();
            assertThat(agent.exitValue()).as(err.text()).isEqualTo(42);
            assertThat(running("sleep", "4281")).as("the session's command once the agent exited: " + err.text())
                    .isEmpty();
        } finally {
            if (session != null) {
                session.destroyForcibly();
            }
            stop(agent);
            running("sleep", "4281").forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aSecondAgentOnTheSameDataDirectoryExitsAtOnceAndTheFirstKeepsRunning() throws Exception {
        Path data = dir.resolve("data");
        Process first = startAgent(data);
        Output out = new Output(first.getInputStream());
        Output err = new Output(first.getErrorStream());
        try {
            await("the first agent listens", () -> LISTENING.matcher(err.text()).find(), first, out, err);

            Process second = startAgent(data);
            Output secondOut = new Output(second.getInputStream());
            Output secondErr = new Output(second.getErrorStream());
            try {
                assertThat(second.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the second agent exits").isTrue();
                assertThat(second.exitValue()).as(secondErr.text()).isEqualTo(2);
                assertThat(secondErr.text()).contains("--data " + data.toRealPath() + " is in use by another postern"
                        + " agent (pid " + first.pid() + ")").contains("Stop the other agent, or give this one its own"
                        + " --data directory");
                assertThat(secondOut.text()).as("the second agent started no entrypoint").doesNotContain("started");
            } finally {
                // not stop(): its sweep for left-over entrypoints would end the first agent's too
                second.destroyForcibly().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(first.isAlive()).as("the first agent keeps running").isTrue();
            assertThat(out.text()).as("the first agent's entrypoint was left alone").doesNotContain("got-term");
            terminate(first);
            assertThat(first.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the agent exits").isTrue();
            assertThat(first.exitValue()).as(err.text()).isEqualTo(42);
        } finally {
            stop(first);
        }
    }

    @Test
    void sigtermWhileTheSshServerIsStillStartingReachesTheEntrypoint() throws Exception {
        Process agent = startAgent(dir.resolve("data"));
        Output out = new Output(agent.getInputStream());
        Output err = new Output(agent.getErrorStream());
        try {
            // the entrypoint starts before the SSH server; the signal must not kill the JVM and orphan it
            await("the entrypoint started", () -> out.text().contains("started\n"), agent, out, err);

            terminate(agent);

            assertThat(agent.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the agent exits").isTrue();
            assertThat(agent.exitValue()).as(err.text()).isEqualTo(42);
            await("the entrypoint's last words", () -> out.text().contains("got-term\n"), agent, out, err);
        } finally {
            stop(agent);
        }
    }

    /**
     * {@code java ... dev.postern.cli.Main agent ...} with the product's logging (it logs the listening
     * address at INFO) and an entrypoint whose TERM trap makes the status its own: 42, not the 143 of a JVM
     * killed by SIGTERM.
     */
    private Process startAgent(Path data) throws Exception {
        if (!Files.exists(dir.resolve("user_ca"))) {
            keygen("-t", "ed25519", "-N", "", "-f", dir.resolve("user_ca").toString());
            keygen("-t", "ed25519", "-N", "", "-f", dir.resolve("id_user").toString());
            keygen("-s", dir.resolve("user_ca").toString(), "-I", "e2e", "-n", "root", "-V", "-5m:+1h",
                    dir.resolve("id_user.pub").toString());
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", productClassPath(),
                "dev.postern.cli.Main", "agent", "--trusted-user-ca", dir.resolve("user_ca.pub").toString(),
                "--listen", "127.0.0.1:0", "--data", data.toString(),
                "--", "sh", "-c", "trap 'echo got-term; exit 42' TERM; echo started; while :; do sleep 0.1; done",
                "entrypoint-of-" + dir)); // $0, so a left-over entrypoint can be found and ended

        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("APP_DATABASE", "db-primary-7");
        pb.environment().put("POSTERN_JOIN_TOKEN", "pjt_not-for-sessions"); // as README starts an agent
        return pb.start();
    }

    /** The test's class path without the test classes (and their logback-test.xml): what the product runs with. */
    private static String productClassPath() {
        String all = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return java.util.Arrays.stream(all.split(java.io.File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith(Path.of("target", "test-classes")))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** The port the agent said it listens on. */
    private static int port(Output err) {
        Matcher m = LISTENING.matcher(err.text());
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A known_hosts file with the agent's host key from {@code data} for 127.0.0.1 on {@code port}. */
    private Path knownHosts(int port, Path data) throws IOException {
        return Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " "
                + Files.readString(data.resolve("ssh_host_ed25519_key.pub")));
    }

    /** The OpenSSH client logging in as root to the agent on {@code port} and running {@code command}. */
    private List<String> ssh(int port, Path knownHosts, String command) {
        return List.of("ssh", "-F", "none", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-i", dir.resolve("id_user").toString(),
                "-o", "CertificateFile=" + dir.resolve("id_user-cert.pub"), "-p", String.valueOf(port),
                "root@127.0.0.1", command);
    }

    /** Live processes (not zombies) whose command line is exactly {@code argv}. */
    private static List<ProcessHandle> running(String... argv) {
        String wanted = String.join("\0", argv) + "\0";
        return ProcessHandle.allProcesses().filter(p -> {
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            try {
                String stat = Files.readString(proc.resolve("stat"));
                return Files.readString(proc.resolve("cmdline"), StandardCharsets.ISO_8859_1).equals(wanted)
                        && !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
            } catch (IOException gone) {
                return false;
            }
        }).toList();
    }

    /** Kills the agent and, should a failure have orphaned it, its entrypoint (it runs in its own session). */
    private void stop(Process agent) throws InterruptedException {
        agent.destroyForcibly().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("entrypoint-of-" + dir)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGTERM, as a container runtime stops a machine. (Process.destroy would also close our end of its pipes.) */
    private static void terminate(Process agent) {
        assertThat(agent.toHandle().destroy()).isTrue();
    }

    private static void keygen(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q"));
        cmd.addAll(List.of(args));
        ProcessResult r = Processes.run(TIMEOUT, cmd);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private static void await(String what, Supplier<Boolean> condition, Process agent, Output out, Output err)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + (agent.isAlive() ? ""
                        : " (agent exited " + agent.exitValue() + ")") + "\nstdout: " + out.text() + "\nstderr: "
                        + err.text());
            }
            Thread.sleep(20);
        }
    }

    /** Collects a stream of the agent process as it arrives. */
    private static final class Output {
        private final StringBuilder text = new StringBuilder();

        Output(InputStream in) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        synchronized (text) {
                            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "agent-output");
            t.setDaemon(true);
            t.start();
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
