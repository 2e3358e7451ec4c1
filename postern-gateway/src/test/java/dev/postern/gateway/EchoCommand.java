package dev.postern.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** Test-only exec: {@code echo WORDS} prints the words; anything else exits 127. */
final class EchoCommand implements Command {
    private final String command;
    private OutputStream out;
    private ExitCallback exit;

    EchoCommand(String command) {
        this.command = command;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        if (command.startsWith("echo ")) {
            out.write((command.substring(5) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            exit.onExit(0);
        } else {
            exit.onExit(127, "unknown test command");
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
    }

    @Override
    public void setInputStream(InputStream in) {
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
}
