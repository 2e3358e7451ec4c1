package dev.postern.cli.connect;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Stream wrappers for handing our stdout/stderr to a channel. */
public final class Streams {
    private Streams() {
    }

    /**
     * {@code out} flushed after every write (the remote side decides the buffering) and never closed by the
     * channel (it is still ours after the session ends).
     */
    public static OutputStream shielded(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                out.flush();
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }
}
