package dev.postern.cli.daemon;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in daemon on a socket: {@link Mode#SILENT} reads the request and never answers; {@link Mode#DROPS} accepts
 * the request, takes the client's go-ahead and closes the connection. It counts the connections and go-aheads.
 */
final class FakeDaemon implements AutoCloseable {
    enum Mode { SILENT, DROPS }

    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger goes = new AtomicInteger();
    private final ServerSocketChannel server;
    private final List<SocketChannel> held = new ArrayList<>();
    private final Thread thread;

    FakeDaemon(Path socket, Mode mode) throws IOException {
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> serve(mode), "fake-daemon");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(Mode mode) {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                connections.incrementAndGet();
                DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(c)));
                DaemonRequest.read(in);
                if (mode == Mode.SILENT) {
                    synchronized (held) {
                        held.add(c);
                    }
                    continue;
                }
                DataOutputStream out = new DataOutputStream(Channels.newOutputStream(c));
                Frames.write(out, Frames.ACCEPTED, new byte[0]);
                out.flush();
                if (in.read() == Frames.GO) {
                    goes.incrementAndGet();
                }
                c.close();
            } catch (IOException e) {
                // closed, or a client gone: next
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (held) {
            for (SocketChannel c : held) {
                c.close();
            }
        }
    }
}
