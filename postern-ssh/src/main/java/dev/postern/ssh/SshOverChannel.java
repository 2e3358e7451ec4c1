package dev.postern.ssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;

/**
 * A {@code forwarded-tcpip} or {@code direct-tcpip} channel (RFC 4254 sections 7.1, 7.2) whose data is one SSH
 * connection, served in process by an {@link InProcessSshServer}.
 */
final class SshOverChannel extends AbstractServerChannel {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
    private final InProcessSshServer server;
    private final ChannelOpenCheck check;
    private volatile ChannelOutput out;
    private volatile StreamIoSession inner;

    SshOverChannel(InProcessSshServer server, ChannelOpenCheck check) {
        super("", java.util.List.of(), null);
        this.server = server;
        this.check = check;
        addRequestHandler((channel, request, wantReply, buffer) -> {
            if (!SessionEndReason.REQUEST.equals(request)) {
                return RequestHandler.Result.Unsupported;
            }
            String reason = SessionEndReason.clean(buffer.getString());
            StreamIoSession s = inner;
            AbstractSession carried = s == null ? null : AbstractSession.getSession(s, true);
            if (carried != null) {
                SessionEndReason.holder(carried).set(reason);
            }
            return RequestHandler.Result.ReplySuccess;
        });
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = buffer.getString();
        int port = buffer.getInt();
        String originHost = buffer.getString();
        int originPort = buffer.getInt();
        Optional<String> refusal;
        try {
            refusal = check.refusal(host, port);
        } catch (RuntimeException e) {
            refusal = Optional.of("internal error");
            log.warn("channel open check for {}:{} failed", host, port, e);
        }
        if (refusal.isPresent()) {
            log.warn("refused channel to {}:{}: {}", host, port, refusal.get());
            return ChannelOpenRefusal.refuse(this, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, refusal.get());
        }
        out = new ChannelOutput(this, this::sendEof);
        // super.doInit sends SSH_MSG_CHANNEL_OPEN_CONFIRMATION: the inner server may only speak after it.
        OpenFuture f = super.doInit(buffer);
        if (!f.isOpened()) {
            return f;
        }
        try {
            inner = server.open(localAddress(host, port), address(originHost, originPort),
                    new StreamIoSession.Output() {
                        @Override
                        public IoWriteFuture write(Buffer b) throws IOException {
                            return out.write(b);
                        }

                        @Override
                        public void close() {
                            out.finish();
                            SshOverChannel.this.close(false);
                        }
                    });
        } catch (IOException | RuntimeException e) {
            log.warn("cannot start the in-process SSH session on {}: {}", this, e.toString());
            close(true);
        }
        return f;
    }

    /**
     * The session's local end, as sshd reports it in SSH_CONNECTION: this machine's address on the tunnel's
     * connection (the address the gateway reaches it by) and the port the client asked for, usually 22. Only
     * when that is unknown, the name asked for, unresolved.
     */
    private SocketAddress localAddress(String host, int port) {
        SocketAddress tunnelEnd = getSession().getIoSession().getLocalAddress();
        if (tunnelEnd instanceof InetSocketAddress i && i.getAddress() != null && port >= 0 && port <= 65535) {
            return new InetSocketAddress(i.getAddress(), port);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    // The originator is reported by the peer (the gateway); keep IP literals as addresses so that logs and
    // source-address checks see the real client, and never resolve names.
    private static SocketAddress address(String host, int port) {
        int p = port < 0 || port > 65535 ? 0 : port;
        if (IP_LITERAL.matcher(host).matches() && (host.indexOf(':') >= 0 || host.chars().filter(c -> c == '.').count() == 3)) {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), p);
            } catch (IOException e) {
                // fall through
            }
        }
        return InetSocketAddress.createUnresolved(host.isEmpty() ? "unknown" : host, p);
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        ChannelOutput o = out;
        if (o != null) {
            o.onWindowExpanded();
        }
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        StreamIoSession s = inner;
        if (s != null) {
            try {
                s.receive(data, off, (int) len);
            } catch (IOException | RuntimeException e) {
                // The inner session failed and closed itself. End this channel only: an exception here must
                // never reach the carrying connection (a machine's tunnel carries everyone's sessions).
                log.warn("in-process SSH session on {} failed: {}", this, e.toString());
                close(false);
                return;
            }
        }
        // The inner session has decoded these bytes (synchronously): make room for more.
        if (getLocalWindow().isOpen()) {
            getLocalWindow().release(len);
        }
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("a tcpip channel carries no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        StreamIoSession s = inner;
        if (s != null) {
            s.close(false);
        }
    }

    @Override
    protected Closeable getInnerCloseable() {
        StreamIoSession s = inner;
        return builder().close(s).close(super.getInnerCloseable()).build();
    }
}
