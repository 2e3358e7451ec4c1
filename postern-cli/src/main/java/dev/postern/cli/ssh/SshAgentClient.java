package dev.postern.cli.ssh;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Adds a key and its certificate to the running ssh-agent over its Unix socket (draft-miller-ssh-agent,
 * section 3.2.1 SSH_AGENTC_ADD_ID_CONSTRAINED with a lifetime constraint), so the private key never
 * touches the disk.
 */
final class SshAgentClient {
    static final byte SSH_AGENT_FAILURE = 5;
    static final byte SSH_AGENT_SUCCESS = 6;
    static final byte SSH2_AGENTC_ADD_ID_CONSTRAINED = 25;
    static final byte SSH_AGENT_CONSTRAIN_LIFETIME = 1;
    private static final int MAX_REPLY = 256 * 1024;

    private final Path socket;

    SshAgentClient(Path socket) {
        this.socket = socket;
    }

    /** The agent named by SSH_AUTH_SOCK, or a refusal that says how to start one. */
    static SshAgentClient fromEnvironment(CliEnvironment env) {
        String sock = env.variable("SSH_AUTH_SOCK").orElseThrow(() -> CliException.usage(
                "--agent needs a running ssh-agent, but SSH_AUTH_SOCK is not set; start one with "
                        + "'eval \"$(ssh-agent)\"' or write the key to a file instead (PATH or --dotssh)"));
        Path path = Path.of(sock);
        if (!Files.exists(path)) {
            throw CliException.usage("--agent: SSH_AUTH_SOCK=" + sock + " does not exist (ssh-agent not running?); "
                    + "start one with 'eval \"$(ssh-agent)\"'");
        }
        return new SshAgentClient(path);
    }

    Path socket() {
        return socket;
    }

    /**
     * Adds {@code key} with {@code certificateBlob} (the decoded second field of a
     * {@code ssh-ed25519-cert-v01@openssh.com} line), removed by the agent after {@code lifetime}.
     */
    void addCertificate(UserKeyPair key, byte[] certificateBlob, String comment, Duration lifetime) {
        long seconds = lifetime.getSeconds();
        if (seconds < 1 || seconds > 0xFFFFFFFFL) {
            throw new CliException(ExitCodes.FAILURE, "lifetime " + lifetime + " cannot be given to ssh-agent");
        }
        byte[] seed = key.privateSeed();
        byte[] point = key.publicPoint();
        byte[] secret = new byte[64];
        System.arraycopy(seed, 0, secret, 0, 32);
        System.arraycopy(point, 0, secret, 32, 32);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(body)) {
            out.writeByte(SSH2_AGENTC_ADD_ID_CONSTRAINED);
            string(out, "ssh-ed25519-cert-v01@openssh.com".getBytes(StandardCharsets.US_ASCII));
            string(out, certificateBlob);
            string(out, point);
            string(out, secret);
            string(out, comment.getBytes(StandardCharsets.UTF_8));
            out.writeByte(SSH_AGENT_CONSTRAIN_LIFETIME);
            out.writeInt((int) seconds);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(secret, (byte) 0);
        }
        byte[] message = body.toByteArray();
        byte reply = exchange(message);
        Arrays.fill(message, (byte) 0);
        if (reply != SSH_AGENT_SUCCESS) {
            throw new CliException(ExitCodes.FAILURE, "ssh-agent at " + socket + " refused the key (answer " + reply
                    + "); is it an OpenSSH agent that accepts certificates and lifetimes?");
        }
    }

    private byte exchange(byte[] message) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message).flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            Arrays.fill(out.array(), (byte) 0);
            ByteBuffer length = readFully(channel, 4);
            int n = length.getInt();
            if (n < 1 || n > MAX_REPLY) {
                throw new IOException("bad reply length " + n);
            }
            return readFully(channel, n).get();
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot talk to ssh-agent at " + socket + ": " + e.getMessage()
                    + "; is it running? (check SSH_AUTH_SOCK)", e);
        }
    }

    private static ByteBuffer readFully(SocketChannel channel, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new IOException("ssh-agent closed the connection");
            }
        }
        return buf.flip();
    }

    private static void string(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
