package dev.postern.ssh;

import java.io.IOException;
import java.nio.channels.AsynchronousSocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;

/**
 * Creates server sessions that acknowledge every TCP segment at once until the client has logged in.
 *
 * <p>Why: OpenSSH's client leaves Nagle's algorithm on until its session channel is open, and twice in a
 * handshake it writes two small messages back to back with nothing to wait for in between (KEXINIT then
 * KEX_ECDH_INIT, NEWKEYS then SERVICE_REQUEST). Nagle holds the second until the first is acknowledged, and
 * the server, having nothing to send in reply to the first, delays that ACK (up to 40 ms on Linux): measured
 * with strace, two stalls of about 41 ms in a connection whose work takes a few milliseconds. sshd has the same
 * stalls. Linux's TCP_QUICKACK, set after a read, sends a pending ACK now; the kernel may return to delayed
 * ACKs later, so it is set after every read of the handshake and no longer once the user is authenticated
 * (by then the client has set TCP_NODELAY itself, when it opens a session channel). A jump host is the
 * exception: {@code ssh -J} opens no session channel on the jump connection, so Nagle stays on there for
 * the whole connection and every back-to-back pair of the inner handshake stalls the same way; a jump host
 * keeps acknowledging at once after login ({@code afterLogin}). Connections that are not TCP sockets (SSH over
 * a tunnel channel) are left alone.
 */
final class QuickAckSessionFactory extends SessionFactory {
    private final boolean afterLogin;

    /** {@code afterLogin}: keep acknowledging at once for the whole connection, not only until login. */
    QuickAckSessionFactory(ServerFactoryManager server, boolean afterLogin) {
        super(server);
        this.afterLogin = afterLogin;
    }

    /**
     * Lets the {@link PreAuthGuard}, when the server has one, admit the TCP connection before an SSH session is
     * created for it, or refuse it without one.
     */
    @Override
    public void sessionCreated(IoSession ioSession) throws Exception {
        PreAuthGuard guard = ioSession instanceof Nio2Session ? getServer().getAttribute(PreAuthGuard.KEY) : null;
        PreAuthGuard.Admission admission = guard == null ? null : guard.admit(ioSession);
        if (guard != null && admission == null) {
            return;
        }
        try {
            super.sessionCreated(ioSession);
        } catch (Exception e) {
            if (admission != null) {
                guard.abandon(admission);
            }
            throw e;
        }
        if (admission != null) {
            guard.track(AbstractSession.getSession(ioSession), admission);
        }
    }

    @Override
    public void messageReceived(IoSession ioSession, Readable message) throws Exception {
        if (ioSession.getAttribute(PreAuthRefusal.REFUSED) == null) {
            super.messageReceived(ioSession, message);
        } // a refused connection's bytes are dropped unread: it has no SSH session
    }

    @Override
    public void sessionClosed(IoSession ioSession) throws Exception {
        if (ioSession.getAttribute(PreAuthRefusal.REFUSED) == null) {
            super.sessionClosed(ioSession);
        }
    }

    @Override
    public void exceptionCaught(IoSession ioSession, Throwable cause) throws Exception {
        if (ioSession.getAttribute(PreAuthRefusal.REFUSED) == null) {
            super.exceptionCaught(ioSession, cause);
        } else {
            ioSession.close(true);
        }
    }

    @Override
    protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
        if (ioSession instanceof Nio2Session nio && quickAckSupported(nio.getSocket())) {
            return new QuickAckSession(getServer(), ioSession, nio.getSocket(), afterLogin);
        }
        return super.doCreateSession(ioSession);
    }

    private static boolean quickAckSupported(AsynchronousSocketChannel socket) {
        return socket != null && socket.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
    }

    /** A server session that sets TCP_QUICKACK after each read until it is authenticated (or always). */
    static final class QuickAckSession extends ServerSessionImpl {
        private final AsynchronousSocketChannel socket;
        private final boolean afterLogin;
        private volatile int quickAcks; // written only by the session's serialized reads
        private volatile int quickAcksAfterLogin;

        QuickAckSession(ServerFactoryManager server, IoSession ioSession, AsynchronousSocketChannel socket,
                        boolean afterLogin) throws Exception {
            super(server, ioSession);
            this.socket = socket;
            this.afterLogin = afterLogin;
        }

        @Override
        public void messageReceived(Readable buffer) throws Exception {
            super.messageReceived(buffer);
            if ((afterLogin || !isAuthenticated()) && socket.isOpen()) {
                try {
                    socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
                    quickAcks++;
                    if (isAuthenticated()) {
                        quickAcksAfterLogin++;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // only latency is at stake; the connection works the same without it
                }
            }
        }

        /** How many reads of this connection were followed by an immediate ACK (for tests). */
        int quickAcks() {
            return quickAcks;
        }

        /** How many of {@link #quickAcks()} came after the login (for tests). */
        int quickAcksAfterLogin() {
            return quickAcksAfterLogin;
        }
    }
}
