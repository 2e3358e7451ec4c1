package dev.postern.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on a loopback port in front of the control plane's API that counts the connections made through it,
 * so a test can tell that a command asked the control plane nothing (each CLI run opens its own connections). It can
 * also send each connection elsewhere ({@link #switching}), as someone in between would, and hold connections so
 * that several meet ({@link #holdTogether}).
 */
public final class CountingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final List<URI> targets;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private CountingRelay(List<URI> targets) throws IOException {
        this.targets = List.copyOf(targets);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** A relay to {@code baseUrl} ({@code http://127.0.0.1:PORT}). */
    static CountingRelay to(String baseUrl) throws IOException {
        return new CountingRelay(List.of(URI.create(baseUrl)));
    }

    /** A relay whose n-th connection goes to the n-th of {@code baseUrls}, and every later one to the last. */
    public static CountingRelay switching(List<String> baseUrls) throws IOException {
        return new CountingRelay(baseUrls.stream().map(URI::create).toList());
    }

    /** The URL to log in with: the relay's port, the (first) target's scheme and host. */
    public String url() {
        return targets.get(0).getScheme() + "://127.0.0.1:" + server.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    /**
     * Holds the next connections until {@code count} of them wait together (or {@code bound} passed), then lets them
     * all through at once: requests of several processes that would otherwise come one after another by chance meet.
     */
    void holdTogether(int count, Duration bound) {
        gate = new Gate(new CountDownLatch(count), bound);
    }

    private record Gate(CountDownLatch latch, Duration bound) {
    }

    private volatile Gate gate;

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                URI target = targets.get(Math.min(connections.getAndIncrement(), targets.size() - 1));
                open.add(client);
                Gate g = gate;
                if (g == null) {
                    connect(client, target);
                    continue;
                }
                g.latch().countDown();
                Thread held = new Thread(() -> {
                    try {
                        g.latch().await(g.bound().toMillis(), TimeUnit.MILLISECONDS);
                        connect(client, target);
                    } catch (IOException | InterruptedException e) {
                        closeQuietly(client);
                    }
                }, "relay-held");
                held.setDaemon(true);
                held.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client, URI target) throws IOException {
        Socket upstream = new Socket(target.getHost(), target.getPort());
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // either side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
