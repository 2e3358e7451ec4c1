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

    // No "throws LastErrorException": with it JNA throws (and fills in a stack trace) for every EAGAIN, which on
    // this path is routine (a full session pipe, an empty wake-up pipe). Without it the call returns -1 and
    // Native.getLastError() holds errno.
    private static native long write(int fd, Pointer buf, long count);

    private static native long read(int fd, Pointer buf, long count);

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
            long w = write(fd, m, n);
            if (w < 0) {
                int errno = Native.getLastError();
                if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                    return total;
                }
                throw new LastErrorException(errno);
            }
            total += (int) w;
            if (w < n) {
                return total;
            }
        }
        return total;
    }

    /** Writes one byte to the non-blocking {@code fd}; false when it is full (or failed). */
    static boolean writeByte(int fd) {
        Memory m = BUFFERS.get();
        m.setByte(0, (byte) 1);
        return write(fd, m, 1) == 1;
    }

    /** Reads and drops everything the non-blocking {@code fd} holds now; returns how many bytes that was. */
    static long drain(int fd) {
        Memory m = BUFFERS.get();
        long total = 0;
        for (long n; (n = read(fd, m, SCRATCH)) > 0; ) {
            total += n;
        }
        return total;
    }
}
