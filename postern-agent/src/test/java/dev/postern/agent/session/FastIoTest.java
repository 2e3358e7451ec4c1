package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.LastErrorException;
import org.junit.jupiter.api.Test;

/**
 * FastIo's non-blocking pipe I/O against a real pipe: a full pipe is a short count, not an exception (it used to
 * throw JNA's LastErrorException for every EAGAIN), and a real error still throws with its errno.
 */
class FastIoTest {
    private static int[] pipe() {
        int[] fds = new int[2];
        Libc.C.pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        return fds;
    }

    @Test
    void aFullPipeTakesWhatFitsAndThenNothingWithoutThrowing() {
        int[] p = pipe();
        try {
            byte[] chunk = new byte[48 * 1024];
            long total = 0;
            int n;
            int rounds = 0;
            do {
                n = FastIo.write(p[1], chunk, 0, chunk.length);
                total += n;
                rounds++;
            } while (n == chunk.length && rounds < 1000);
            assertThat(n).as("a pipe holds less than 48 MiB").isLessThan(chunk.length);
            assertThat(FastIo.write(p[1], chunk, 0, chunk.length)).as("full").isZero();
            assertThat(FastIo.writeByte(p[1])).as("full").isFalse();
            assertThat(FastIo.drain(p[0])).isEqualTo(total);
            assertThat(FastIo.drain(p[0])).as("empty").isZero();
            assertThat(FastIo.writeByte(p[1])).isTrue();
            assertThat(FastIo.drain(p[0])).isEqualTo(1);
        } finally {
            Libc.C.close(p[0]);
            Libc.C.close(p[1]);
        }
    }

    @Test
    void aPipeWithoutReaderThrowsEpipe() {
        int[] p = pipe();
        Libc.C.close(p[0]);
        try {
            assertThatThrownBy(() -> FastIo.write(p[1], new byte[10], 0, 10))
                    .isInstanceOfSatisfying(LastErrorException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(Libc.EPIPE));
        } finally {
            Libc.C.close(p[1]);
        }
    }
}
