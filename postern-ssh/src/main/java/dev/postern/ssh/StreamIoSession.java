package dev.postern.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * A MINA {@link IoSession} that is not a socket: the bytes of the SSH connection are pushed in with
 * {@link #receive} and the SSH session's output goes to an {@link Output}. MINA's session code sees an ordinary
 * transport, so an {@code SshServer} can serve a connection that arrives as an SSH channel (a reverse tunnel) or
 * any other byte stream, without a listening socket. Made by {@link InProcessSshServer#open}.
 *
 * <p>{@link #receive} must be called by one thread at a time, in stream order (as a socket reader would).
 */
public final class StreamIoSession extends AbstractCloseable implements IoSession {
    /** Where the SSH session's bytes go. */
    public interface Output {
        /**
         * Sends {@code buffer}'s readable bytes, in call order, without blocking for long; the future completes
         * once the bytes are handed on.
         */
        IoWriteFuture write(Buffer buffer) throws IOException;

        /** The session is over: flush what was written, then end the stream. Called once. */
        void close();
    }

    private final long id;
    private final IoHandler handler;
    private final SocketAddress local;
    private final SocketAddress remote;
    private final Output output;
    private final IoService service;
    private final Map<Object, Object> attributes = new ConcurrentHashMap<>();

    StreamIoSession(long id, IoHandler handler, SocketAddress local, SocketAddress remote, Output output,
                    IoService service) {
        super("stream-" + id);
        this.id = id;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.local = Objects.requireNonNull(local, "local");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.output = Objects.requireNonNull(output, "output");
        this.service = service;
    }

    /** Creates the SSH session on top of this transport (it sends its identification line at once). */
    void start() throws Exception {
        handler.sessionCreated(this);
    }

    /** Feeds bytes that arrived from the peer into the SSH session. */
    public void receive(byte[] data, int off, int len) throws IOException {
        if (isClosing()) {
            return;
        }
        try {
            handler.messageReceived(this, new ByteArrayBuffer(data, off, len, true));
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        } catch (Exception e) {
            fail(e);
            throw new IOException(e);
        }
    }

    private void fail(Throwable e) {
        try {
            handler.exceptionCaught(this, e);
        } catch (Exception ignored) {
            close(true);
        }
    }

    @Override
    public long getId() {
        return id;
    }

    @Override
    public SocketAddress getAcceptanceAddress() {
        return local;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return local;
    }

    @Override
    public SocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public Object getAttribute(Object key) {
        return attributes.get(key);
    }

    @Override
    public Object setAttribute(Object key, Object value) {
        return attributes.put(key, value);
    }

    @Override
    public Object setAttributeIfAbsent(Object key, Object value) {
        return attributes.putIfAbsent(key, value);
    }

    @Override
    public Object removeAttribute(Object key) {
        return attributes.remove(key);
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        if (isClosing()) {
            throw new IOException("stream session " + id + " is closed");
        }
        return output.write(buffer);
    }

    @Override
    public IoService getService() {
        return service;
    }

    @Override
    public void shutdownOutputStream() {
        // SSH sessions only end their output by closing; nothing to half-close on a stream.
    }

    @Override
    public void suspendRead() {
        // Back-pressure comes from the carrier (channel windows), not from pausing reads here.
    }

    @Override
    public void resumeRead() {
        // see suspendRead
    }

    @Override
    protected CloseFuture doCloseGracefully() {
        return null;
    }

    @Override
    protected void doCloseImmediately() {
        try {
            output.close();
        } finally {
            try {
                handler.sessionClosed(this);
            } catch (Exception e) {
                log.debug("sessionClosed({}) failed: {}", this, e.toString());
            }
            super.doCloseImmediately();
        }
    }

    @Override
    public String toString() {
        return "StreamIoSession[" + id + ", remote=" + remote + "]";
    }
}
