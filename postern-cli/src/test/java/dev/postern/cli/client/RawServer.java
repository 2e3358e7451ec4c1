package dev.postern.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP server below any HTTP library: it reads each request whole (head and a body of its
 * Content-Length), records its request line, and then does what the test says with the raw socket (close without
 * an answer, trickle bytes): what {@link RecordingServer}'s library server will not do.
 */
final class RawServer implements AutoCloseable {
    /** What to do with a connection once its request is read. */
    interface Behaviour {
        void after(Socket s) throws IOException;
    }

    private static final int MAX_CONNECTIONS = 16;

    private final ServerSocket listener;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RawServer(Behaviour behaviour) {
        try {
            listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(() -> {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(10_000);
                    requests.add(readRequest(s.getInputStream()));
                    behaviour.after(s);
                } catch (IOException closedOrDone) {
                    if (listener.isClosed()) {
                        return;
                    }
                }
            }
        }, "raw-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code http://127.0.0.1:PORT}. */
    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** The request lines received, e.g. {@code POST /v1/orgs HTTP/1.1}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0 || head.size() > 65536) {
                throw new IOException("no request head");
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).strip()));
            }
        }
        return lines[0];
    }

    @Override
    public void close() {
        try {
            listener.close();
            acceptor.join(10_000);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
