package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.channel.IoWriteFutureImpl;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pump stopped while its last chunk was still being written (the channel closed as a PTY session drained): when
 * that write completes it must not read again, because the session has closed the descriptor since and its number
 * may be someone else's by then; a read there would take another stream's bytes.
 */
class OutboundPumpTest {
    private Reactor reactor;

    @BeforeEach
    void start() throws Exception {
        reactor = new Reactor("outbound-pump-test");
    }

    @AfterEach
    void stop() {
        reactor.close();
    }

    @Test
    void aStoppedPumpDoesNotReadWhenItsLastWriteCompletes() throws Exception {
        int[] child = Descriptors.pipe(); // the child's output; the pump reads child[0]
        int[] other = Descriptors.pipe(); // opened later elsewhere, and given child[0]'s number
        RecordingOutput out = new RecordingOutput();
        OutboundPump pump = new OutboundPump(reactor, child[0], out, new AtomicLong(), () -> { });
        pump.start();
        try {
            assertThat(FastIo.writeByte(child[1])).isTrue();
            out.first.get(10, TimeUnit.SECONDS); // read, and now waiting for the channel to take it
            Descriptors.onReactor(reactor, () -> {
                pump.drainAndFinish(); // the shell exited: read what is left once that write is done
                pump.stop(); // the channel closed meanwhile: SessionCommand.destroy stops, then closes the master
                Libc.C.close(child[0]);
                assertThat(Descriptors.reuse(child[0], other[0])).isEqualTo(child[0]);
            });
            assertThat(FastIo.writeByte(other[1])).isTrue(); // the other stream's data, readable at that number
            out.writes.get(0).setValue(Boolean.TRUE); // the last write completes
            Descriptors.onReactor(reactor, () -> { }); // after the pump's completion task
            assertThat(FastIo.drain(other[0])).as("the other stream's byte, still there").isEqualTo(1);
            assertThat(out.writes).as("writes to the channel").hasSize(1);
        } finally {
            Descriptors.close(child);
            Descriptors.close(other);
        }
    }

    /** A channel stream whose writes complete when the test says so. */
    private static final class RecordingOutput extends AbstractCloseable implements IoOutputStream {
        final List<IoWriteFutureImpl> writes = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> first = new CompletableFuture<>();

        @Override
        public IoWriteFuture writeBuffer(Buffer buffer) {
            IoWriteFutureImpl f = new IoWriteFutureImpl("recording", buffer);
            writes.add(f);
            first.complete(null);
            return f;
        }
    }
}
