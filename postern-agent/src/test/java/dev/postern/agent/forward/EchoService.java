package dev.postern.agent.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP echo service on 127.0.0.1:0 that closes each connection at the client's EOF. */
final class EchoService implements AutoCloseable {
    private final ServerSocket server;

    EchoService() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "echo-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> echo(s), "echo");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // client went away
        }
    }

    /** Connects to {@code port} on loopback, sends {@code text}, half-closes and returns the reply. */
    static String roundTrip(InetAddress host, int port, String text) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(20_000);
            byte[] out = text.getBytes();
            s.getOutputStream().write(out);
            // No half-close: MINA 2.16 can drop data that arrives with an EOF before a forwarded-tcpip
            // channel is confirmed (a known limitation, noted in the agent docs); read exactly the echo.
            return new String(s.getInputStream().readNBytes(out.length));
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
