package dev.postern.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 to a target port whose connections can be frozen: a frozen connection stays open at
 * both ends but carries nothing more either way, as when a machine's network vanishes without a reset. Connections
 * made after a freeze relay normally.
 */
final class FreezableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Relay> relays = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private static final class Relay {
        final Socket client;
        final Socket upstream;
        volatile boolean frozen;
        volatile boolean upstreamClosed;

        Relay(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    FreezableProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "freezable-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How many connections it relayed so far. */
    int connections() {
        return relays.size();
    }

    /** Whether the target closed the {@code index}th connection (0-based) while it was frozen. */
    boolean closedByTargetWhileFrozen(int index) {
        return relays.get(index).upstreamClosed;
    }

    /** Freezes every connection made so far. */
    void freezeAll() {
        relays.forEach(r -> r.frozen = true);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Relay relay = new Relay(client, upstream);
                relays.add(relay);
                pump(relay, client, upstream, "up");
                pump(relay, upstream, client, "down");
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    private static void pump(Relay relay, Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try {
                // not try-with-resources: closing a socket's stream closes the socket, which a freeze must not
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!relay.frozen) { // frozen: read and drop, as a network that lost its route does
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the other side went away, or the proxy closed
            }
            if (relay.frozen) {
                // the far end is not told: it sees neither the data nor the close, as after a silent failure
                if (from == relay.upstream) {
                    relay.upstreamClosed = true;
                }
            } else {
                relay.close();
            }
        }, "freezable-proxy-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        relays.forEach(Relay::close);
    }
}
