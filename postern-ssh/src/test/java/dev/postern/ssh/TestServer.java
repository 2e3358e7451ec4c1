package dev.postern.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** An in-process server locked down by {@link ServerSetup}, on 127.0.0.1:0, whose every command prints "ok". */
final class TestServer implements AutoCloseable {
    final SshServer server;
    final HostKeys hostKeys;

    TestServer(CertificateAuthenticator authenticator, HostKeys hostKeys) {
        this(authenticator, hostKeys, ServerLimits.defaults());
    }

    TestServer(CertificateAuthenticator authenticator, HostKeys hostKeys, ServerLimits limits) {
        this(authenticator, hostKeys, limits, false);
    }

    /** {@code jumpHost}: set up as the gateway is ({@link ServerSetup#acknowledgeAtOnceAfterLogin}). */
    TestServer(CertificateAuthenticator authenticator, HostKeys hostKeys, ServerLimits limits, boolean jumpHost) {
        this.hostKeys = hostKeys;
        server = SshServer.setUpDefaultServer();
        ServerSetup.lockDown(server, authenticator, hostKeys, limits);
        if (jumpHost) {
            ServerSetup.acknowledgeAtOnceAfterLogin(server);
        }
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setCommandFactory((channel, command) -> new OkCommand());
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    /** A known_hosts line for this server's plain host key. */
    String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + hostKeys.publicKeyLine();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    /** Test-only command: prints "ok" and exits 0. */
    static final class OkCommand implements Command {
        private OutputStream out;
        private ExitCallback exit;

        @Override
        public void setInputStream(java.io.InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            out.write("ok\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            exit.onExit(0);
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
