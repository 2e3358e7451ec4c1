package dev.postern.agent.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * Tells the client in plain words why its transfer was refused (on stderr, which sftp and scp print) and
 * exits with status 1, instead of a bare "subsystem request failed".
 */
final class RefusedCommand implements Command {
    private final String message;
    private OutputStream err;
    private ExitCallback exit;

    RefusedCommand(String message) {
        this.message = message;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        try {
            err.write((message + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } finally {
            exit.onExit(1, message);
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        // nothing runs
    }

    @Override
    public void setInputStream(InputStream in) {
        // input is ignored
    }

    @Override
    public void setOutputStream(OutputStream out) {
        // nothing is written to stdout
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
