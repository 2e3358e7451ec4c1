package dev.postern.agent.session;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code write(2)} for the session byte path, bound with JNA's direct mapping from a per-thread native buffer.
 * Why not {@link Libc}: an interface-mapped call with a {@code byte[]} goes through a reflective proxy and
 * mallocs and copies the array on every call, and cannot start at an offset, so the caller had to copy MINA's
 * packet first. Here one copy goes straight from MINA's buffer into memory the kernel reads.
 */
final class FastIo {
    /** Larger than MINA's largest channel packet (32 KiB of data by default). */
    private static final int SCRATCH = 64 * 1024;
    private static final ThreadLocal<Memory> BUFFERS = ThreadLocal.withInitial(() -> new Memory(SCRATCH));

    static {
        Native.register("c");
    }

    private FastIo() {
    }

    private static native long write(int fd, Pointer buf, long count) throws LastErrorException;

    /**
     * Writes up to {@code len} bytes of {@code data} from {@code off} to the non-blocking {@code fd}.
     *
     * @return how many bytes the kernel took (0 when the pipe is full)
     * @throws LastErrorException for errors other than EAGAIN and EINTR, e.g. EPIPE
     */
    static int write(int fd, byte[] data, int off, int len) {
        Memory m = BUFFERS.get();
        int total = 0;
        while (total < len) {
            int n = Math.min(len - total, SCRATCH);
            m.write(0, data, off + total, n);
            long w;
            try {
                w = write(fd, m, n);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Libc.EAGAIN || e.getErrorCode() == Libc.EINTR) {
                    return total;
                }
                throw e;
            }
            total += (int) w;
            if (w < n) {
                return total;
            }
        }
        return total;
    }
}
