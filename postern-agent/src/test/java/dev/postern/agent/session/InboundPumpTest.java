package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client input after a session's teardown: SessionCommand detaches the pump and closes the PTY master in one go on
 * the reactor thread, while MINA's I/O thread may be handing over the person's next keystrokes. Those must go
 * nowhere: the master's number, once closed, can be reused at once by another thread's socket or file.
 */
class InboundPumpTest {
    private Reactor reactor;

    @BeforeEach
    void start() throws Exception {
        reactor = new Reactor("inbound-pump-test");
    }

    @AfterEach
    void stop() {
        reactor.close();
    }

    @Test
    void inputAfterTheTeardownReachesNoDescriptor() throws Exception {
        int[] terminal = Descriptors.pipe(); // stands for a PTY master: the pump writes to it and does not own it
        int[] other = Descriptors.pipe(); // whatever is opened next, on another thread, and gets the master's number
        InboundPump pump = new InboundPump(reactor, new AtomicLong());
        pump.attach(terminal[1], false, n -> { });
        byte[] keys = "ls\n".getBytes(StandardCharsets.US_ASCII);
        Descriptors.onReactor(reactor, () -> { }); // attached
        pump.data(null, keys, 0, keys.length);
        assertThat(FastIo.drain(terminal[0])).as("input while the session runs").isEqualTo(keys.length);
        try {
            Descriptors.onReactor(reactor, () -> {
                // as SessionCommand.destroy: detach, then close the master; here its number is reused before the
                // reactor thread goes on, and the I/O thread delivers more input in that moment
                pump.detach();
                Libc.C.close(terminal[1]);
                assertThat(Descriptors.reuse(terminal[1], other[1])).isEqualTo(terminal[1]);
                CompletableFuture.runAsync(() -> pump.data(null, keys, 0, keys.length)).join();
            });
            assertThat(FastIo.drain(other[0])).as("input written to the master's reused number").isZero();
        } finally {
            Descriptors.close(terminal);
            Descriptors.close(other);
        }
    }

    /**
     * Once the agent has stopped the reactor, work handed to it runs on the caller's thread, one task at a time (under
     * the reactor's lock for late work). Client input on a pipe the child has closed hands over the pipe's closing
     * from MINA's I/O thread; had it done so while holding the pump's lock, and a late task (a hang-up, on another
     * thread) touched the same pump meanwhile, each thread would hold the lock the other waits for, for good: the
     * I/O thread hung, and every later task (the hang-ups' SIGKILLs) never run.
     */
    @Test
    void inputOnABrokenPipeAfterTheStopDoesNotDeadlockWithLateWorkOnTheSamePump() throws Exception {
        Reactor stopped = new Reactor("inbound-pump-late-test");
        int[] stdin = Descriptors.pipe();
        InboundPump pump = new InboundPump(stopped, new AtomicLong());
        pump.attach(stdin[1], true, n -> { });
        Descriptors.onReactor(stopped, () -> { }); // attached
        Libc.C.close(stdin[0]); // the child closed its stdin: a write fails with EPIPE
        stopped.close();
        byte[] keys = "ls\n".getBytes(StandardCharsets.US_ASCII);
        CountDownLatch lateRuns = new CountDownLatch(1);
        Thread io = new Thread(() -> {
            try {
                lateRuns.await();
            } catch (InterruptedException e) {
                return;
            }
            pump.data(null, keys, 0, keys.length);
        }, "io-thread");
        Thread late = new Thread(() -> stopped.execute(() -> {
            lateRuns.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (io.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the input waits for this late task to end
            }
            pump.detach(); // as a hang-up does
        }), "late-hang-up");
        io.setDaemon(true);
        late.setDaemon(true);
        io.start();
        late.start();
        late.join(TimeUnit.SECONDS.toMillis(30));
        io.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(late.isAlive()).as("the late hang-up finished (else: deadlocked with the input)").isFalse();
        assertThat(io.isAlive()).as("the input was handed over (else: deadlocked with the hang-up)").isFalse();
    }
}
