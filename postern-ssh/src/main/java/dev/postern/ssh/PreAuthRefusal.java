package dev.postern.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Refuses a TCP connection before any SSH session exists for it: sends the identification line and an
 * SSH_MSG_DISCONNECT (RFC 4253 sections 4.2 and 11.1, unencrypted as every packet before the first key exchange),
 * half-closes, and throws away whatever the client sends until it hangs up (at most {@link #LINGER}).
 *
 * <p>Why not MINA's {@code disconnect}: it closes the socket while the client's identification line and KEXINIT
 * sit unread in the receive buffer, and the kernel then answers with a reset that destroys the disconnect message
 * before the client reads it (OpenSSH printed "Broken pipe" instead of the reason). Why no SSH session: a refused
 * connection must cost no key exchange.
 */
final class PreAuthRefusal {
    /** How long a refused connection may stay open for its client to read the reason. */
    static final Duration LINGER = Duration.ofSeconds(2);
    /** Marks an IoSession refused: the session factory drops what it reads. */
    static final AttributeKey<Boolean> REFUSED = new AttributeKey<>();
    private static final int BLOCK = 8;
    private static final int MIN_PADDING = 4;

    private PreAuthRefusal() {
    }

    static void send(IoSession io, String message) {
        io.setAttribute(REFUSED, Boolean.TRUE);
        try {
            io.writeBuffer(packet(message)).addListener(f -> {
                try {
                    io.shutdownOutputStream();
                } catch (IOException e) {
                    io.close(true);
                }
            });
        } catch (IOException e) {
            io.close(true);
            return;
        }
        CompletableFuture.delayedExecutor(LINGER.toMillis(), TimeUnit.MILLISECONDS).execute(() -> io.close(true));
    }

    /** Identification line, then one binary packet: uint32 length, byte padding length, payload, padding. */
    static Buffer packet(String message) {
        ByteArrayBuffer payload = new ByteArrayBuffer();
        payload.putByte(SshConstants.SSH_MSG_DISCONNECT);
        payload.putUInt(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS);
        payload.putString(message, StandardCharsets.UTF_8);
        payload.putString("");
        int length = payload.available();
        int padding = BLOCK - (4 + 1 + length) % BLOCK;
        if (padding < MIN_PADDING) {
            padding += BLOCK;
        }
        ByteArrayBuffer out = new ByteArrayBuffer();
        out.putRawBytes(("SSH-2.0-" + CryptoPolicy.IDENTIFICATION + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.putUInt(1 + length + padding);
        out.putByte((byte) padding);
        out.putRawBytes(payload.array(), payload.rpos(), length);
        out.putRawBytes(new byte[padding]);
        return out;
    }
}
