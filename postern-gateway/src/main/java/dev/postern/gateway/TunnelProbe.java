package dev.postern.gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.future.GlobalRequestFuture;
import org.apache.sshd.common.global.GlobalRequestException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Asks a tunnel's peer whether it is still there: a {@code keepalive@openssh.com} global request with want-reply
 * (RFC 4254 section 4), as OpenSSH's ServerAliveInterval sends. Any reply counts, success or failure (a peer that
 * does not know the request answers failure); no reply within the timeout, or a connection that breaks, counts as
 * gone.
 */
final class TunnelProbe {
    static final String REQUEST = "keepalive@openssh.com";

    private TunnelProbe() {
    }

    /** Completes with whether {@code session}'s peer answered within {@code timeout}; never exceptionally. */
    static CompletableFuture<Boolean> answers(Session session, Duration timeout) {
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        try {
            Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST.length() + 16);
            request.putString(REQUEST);
            request.putBoolean(true);
            GlobalRequestFuture reply = session.request(request, REQUEST, null);
            reply.addListener(f -> answered.complete(f.getBuffer() != null
                    || f.getException() instanceof GlobalRequestException));
        } catch (IOException | RuntimeException e) {
            answered.complete(false);
        }
        return answered.completeOnTimeout(false, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
