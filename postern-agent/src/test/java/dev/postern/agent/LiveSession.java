package dev.postern.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ssh LOGIN@agent COMMAND} with the real OpenSSH client, left running (its stdin stays open) while the test
 * acts on the agent; the command must print {@code started}.
 */
final class LiveSession implements AutoCloseable {
    final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Thread> readers = new ArrayList<>();

    LiveSession(AgentFixture fx, String login, Path cert, List<String> options, String command) throws IOException {
        List<String> cmd = new ArrayList<>(fx.sshCommand(login, cert, options));
        cmd.add(command);
        process = new ProcessBuilder(cmd).start();
        readers.add(collect(process.getInputStream(), out));
        readers.add(collect(process.getErrorStream(), err));
    }

    /** {@code ssh alice@agent 'echo started; exec sleep TAG'}. */
    static LiveSession sleep(AgentFixture fx, Path cert, String tag, List<String> options) throws IOException {
        LiveSession s = new LiveSession(fx, "alice", cert, options, "echo started; exec sleep " + tag);
        s.process.getOutputStream().close();
        return s;
    }

    void awaitStarted() throws InterruptedException {
        AgentFixture.await("the session started", () -> text(out).contains("started") || !process.isAlive());
        assertThat(text(out)).as("stderr: " + err()).contains("started");
    }

    /** stderr so far; once the process has ended, all of it (the readers reach EOF, bounded). */
    String err() throws InterruptedException {
        if (!process.isAlive()) {
            for (Thread t : readers) {
                t.join(AgentFixture.TIMEOUT.toMillis());
            }
        }
        return text(err);
    }

    /** The pid in the audit's session.start line of the command containing {@code sleep TAG}, or 0 before one. */
    static long pidStarted(LogCapture audit, String tag) {
        Pattern pid = Pattern.compile("\"pid\":(\\d+)");
        for (String l : audit.lines()) {
            Matcher m = pid.matcher(l);
            if (l.contains("\"event\":\"session.start\"") && l.contains("sleep " + tag) && m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return 0;
    }

    private static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    private static Thread collect(InputStream in, ByteArrayOutputStream into) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (in) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (into) {
                        into.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "ssh-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
