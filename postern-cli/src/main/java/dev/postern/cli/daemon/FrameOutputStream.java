package dev.postern.cli.daemon;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** A command's standard output or error, sent to the client as frames of one type on the shared connection. */
final class FrameOutputStream extends OutputStream {
    private final DataOutputStream connection;
    private final byte type;

    FrameOutputStream(DataOutputStream connection, byte type) {
        this.connection = connection;
        this.type = type;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        // stdout and stderr share the connection: a frame is written whole
        synchronized (connection) {
            for (int done = 0; done < len; ) {
                int n = Math.min(Frames.MAX, len - done);
                Frames.write(connection, type, b, off + done, n);
                done += n;
            }
            connection.flush();
        }
    }
}
