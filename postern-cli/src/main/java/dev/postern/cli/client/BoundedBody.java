package dev.postern.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * A response body read into memory up to a limit and a deadline: a control plane that answers without end
 * (spoofed, broken or hostile), or one byte at a time, fails the request instead of filling the CLI's heap or
 * holding it forever.
 */
final class BoundedBody {
    /** The answer passed {@code limit} bytes; the rest was not read. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("the answer is larger than " + limit + " bytes");
        }
    }

    private BoundedBody() {
    }

    /**
     * Reads {@code in} to its end: at most {@code limit} bytes (one more fails with {@link TooLarge}), until
     * {@code deadline} ({@link System#nanoTime()}; checked between reads, each of which the socket's read timeout
     * bounds).
     */
    static byte[] read(InputStream in, int limit, long deadline) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 << 10];
        for (int n; (n = in.read(chunk, 0, (int) Math.min(chunk.length, limit + 1L - buffer.size()))) >= 0; ) {
            buffer.write(chunk, 0, n);
            if (buffer.size() > limit) {
                throw new TooLarge(limit);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("the answer did not end in time (" + buffer.size() + " bytes read)");
            }
        }
        return buffer.toByteArray();
    }
}
