package dev.postern.gateway;

import dev.postern.ssh.ChannelOutput;
import java.io.IOException;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Moves channel data from one end of a spliced pair to the other without looking at it. Flow control: the
 * receiving channel's window is released only once the bytes were written to the other side, so a slow reader
 * slows the writer down instead of filling the gateway's memory.
 */
final class Splice {
    private Splice() {
    }

    static void forward(AbstractChannel from, ChannelOutput to, byte[] data, int off, long len) {
        if (to == null) {
            // the other end is not set up (or already gone): end this pair, never the carrying connection
            from.close(false);
            return;
        }
        // A copy: MINA reuses the array it decoded the packet into.
        ByteArrayBuffer copy = ByteArrayBuffer.getCompactClone(data, off, (int) len);
        to.write(copy).addListener(f -> {
            if (!f.isWritten()) {
                from.close(false);
                return;
            }
            try {
                LocalWindow w = from.getLocalWindow();
                if (w.isOpen()) {
                    w.release(len);
                }
            } catch (IOException e) {
                from.close(true);
            }
        });
    }
}
