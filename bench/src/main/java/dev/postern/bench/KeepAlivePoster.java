package dev.postern.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 keep-alive connection that sends the same POST again and again: benchmark 5's load generator.
 *
 * <p>Why not the JDK's {@code java.net.http} client (which the harness uses for everything else): on the same 2
 * cores as the control plane it loads, that client used more CPU than the server (1.3 s against 1.0 s over 6 s,
 * from /proc/PID/stat), so the benchmark measured the client. This one writes a prepared request and reads the
 * status line, the headers and a Content-Length or chunked body; nothing else of HTTP is needed here.
 *
 * <p>Over HTTPS the connection is a JDK {@link SSLSocket} that trusts only the server's pinned key, handshaken
 * once when the connection opens (TLS 1.3 or 1.2, whatever the server and the JDK agree), then kept alive as a
 * client of the API would keep it.
 */
final class KeepAlivePoster implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;

    KeepAlivePoster(String baseUrl, Optional<ServerPin> pin, String path, String token, byte[] body)
            throws IOException {
        URI base = URI.create(baseUrl);
        if (base.getScheme().equals("https")) {
            ServerPin p = pin.orElseThrow(() -> new IOException(baseUrl + " is HTTPS but no TLS key is pinned"));
            SSLSocket tls = (SSLSocket) p.context().getSocketFactory().createSocket(base.getHost(), base.getPort());
            tls.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            tls.startHandshake();
            socket = tls;
        } else {
            socket = new Socket(base.getHost(), base.getPort());
        }
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        request = new byte[h.length + body.length];
        System.arraycopy(h, 0, request, 0, h.length);
        System.arraycopy(body, 0, request, h.length, body.length);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    /** Sends the request once and returns the response body; an IOException unless the status is 2xx. */
    String post() throws IOException {
        out.write(request);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(2048);
        if (chunked) {
            for (long size = Long.parseLong(line().split(";")[0].strip(), 16); size > 0;
                 size = Long.parseLong(line().split(";")[0].strip(), 16)) {
                copy(size, body);
                line(); // the CRLF after each chunk
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            copy(length, body);
        } else {
            throw new IOException("response without Content-Length or chunked body (status " + code + ")");
        }
        String text = body.toString(StandardCharsets.UTF_8);
        if (code / 100 != 2) {
            throw new IOException("POST answered " + code + ": " + text);
        }
        return text;
    }

    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(n, buf.length));
            if (r < 0) {
                throw new IOException("connection closed inside a response body");
            }
            to.write(buf, 0, r);
            n -= r;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed inside a response");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
