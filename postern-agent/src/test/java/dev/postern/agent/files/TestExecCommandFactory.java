package dev.postern.agent.files;

import dev.postern.agent.forward.Forwarding;
import dev.postern.ssh.CertificateGrant;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;

/**
 * Test stand-in for the agent's exec path: runs the command through {@code sh -c} as the login user
 * (setpriv), in the user's home, with the session's environment (SSH_AUTH_SOCK, DISPLAY). Uses a thread per
 * stream, which the real exec must not.
 */
public final class TestExecCommandFactory implements CommandFactory {
    private final UserDirectory users;
    private final List<String> commands = new CopyOnWriteArrayList<>();

    public TestExecCommandFactory(UserDirectory users) {
        this.users = users;
    }

    /** Every command this factory was asked to run, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    @Override
    public Command createCommand(ChannelSession channel, String command) throws IOException {
        commands.add(command);
        CertificateGrant grant = channel.getServerSession().getAttribute(CertificateGrant.KEY);
        LocalUser user = users.lookup(grant.login()).orElseThrow(() -> new IOException("no user " + grant.login()));
        List<String> argv = new ArrayList<>();
        if (!user.isRoot()) {
            argv.addAll(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--groups="
                    + user.groups().stream().map(String::valueOf).collect(Collectors.joining(","))));
        }
        argv.addAll(List.of("/bin/sh", "-c", command));
        return new ProcessCommand(argv, user, Forwarding.agentSocket(channel.getServerSession()).orElse(null));
    }

    private static final class ProcessCommand implements Command {
        private final List<String> argv;
        private final LocalUser user;
        private final String agentSocket;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private volatile Process process;

        ProcessCommand(List<String> argv, LocalUser user, String agentSocket) {
            this.argv = argv;
            this.user = user;
            this.agentSocket = agentSocket;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(user.home().toFile());
            Map<String, String> e = pb.environment();
            e.putAll(env.getEnv());
            e.remove("SSH_AUTH_SOCK"); // only the one the agent created, never one the client named
            if (agentSocket != null) {
                e.put("SSH_AUTH_SOCK", agentSocket);
            }
            e.put("HOME", user.home().toString());
            e.put("USER", user.name());
            e.put("LOGNAME", user.name());
            process = pb.start();
            Thread stdin = pump(in, process.getOutputStream(), true);
            Thread stdout = pump(process.getInputStream(), out, false);
            Thread stderr = pump(process.getErrorStream(), err, false);
            Thread waiter = new Thread(() -> {
                try {
                    int code = process.waitFor();
                    stdout.join(30_000);
                    stderr.join(30_000);
                    stdin.interrupt();
                    exit.onExit(code);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, "test-exec-wait");
            waiter.setDaemon(true);
            waiter.start();
        }

        private static Thread pump(InputStream from, OutputStream to, boolean closeTo) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[32 * 1024];
                try {
                    for (int n; (n = from.read(buf)) >= 0; ) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                } catch (IOException ignored) {
                    // the other side went away
                } finally {
                    if (closeTo) {
                        try {
                            to.close();
                        } catch (IOException ignored) {
                            // already closed
                        }
                    }
                }
            }, "test-exec-pump");
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void destroy(ChannelSession channel) {
            Process p = process;
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }
    }
}
