package dev.postern.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * Test-only exec: {@code echo WORDS} prints the words; {@code sha256} prints the SHA-256 of its input (hex);
 * {@code cat FILE} sends the file; anything else exits 127.
 */
final class EchoCommand implements Command {
    private final String command;
    private InputStream in;
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
        } else if (command.equals("sha256") || command.startsWith("cat ")) {
            Thread t = new Thread(this::stream, "echo-command-" + command.split(" ")[0]);
            t.setDaemon(true);
            t.start();
        } else {
            exit.onExit(127, "unknown test command");
        }
    }

    private void stream() {
        try {
            if (command.equals("sha256")) {
                java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                byte[] chunk = new byte[64 * 1024];
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    sha.update(chunk, 0, n);
                }
                out.write((java.util.HexFormat.of().formatHex(sha.digest()) + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                java.nio.file.Files.copy(java.nio.file.Path.of(command.substring(4)), out);
            }
            out.flush();
            exit.onExit(0);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            exit.onExit(1, e.toString());
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
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
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }
}
