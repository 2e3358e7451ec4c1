package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The reactor's wake-up pipe after {@link Reactor#close()}: its descriptor numbers go back to the process, and the
 * next pipe, file or socket opened gets them (POSIX hands out the lowest free number). A wake-up byte written
 * there lands in someone else's stream: with the gateway in the same JVM, a person's SSH connection got a stray
 * 0x01 and OpenSSH printed {@code Bad packet length} (SessionEndingsIT). Late callers are real: the SIGKILL that a
 * hung-up session schedules {@code killGrace} after its SIGHUP, and MINA's threads closing channels after the
 * reactor stopped.
 */
class ReactorTest {
    @Test
    void aTaskHandedToAClosedReactorWritesToNoDescriptor() throws Exception {
        Reactor reactor = new Reactor("reactor-test");
        reactor.close();
        // The wake-up pipe's numbers are now among the lowest free ones: these pipes take them. Each of their
        // numbers is then made a write end of one sink pipe, so whichever number the reactor still writes to, the
        // byte shows up in the sink.
        int[] taken = new int[16];
        for (int i = 0; i < taken.length; i += 2) {
            int[] p = Descriptors.pipe();
            taken[i] = p[0];
            taken[i + 1] = p[1];
        }
        int[] sink = Descriptors.pipe();
        try {
            for (int fd : taken) {
                assertThat(Descriptors.reuse(fd, sink[1])).isEqualTo(fd);
            }
            AtomicReference<String> ranOn = new AtomicReference<>();
            Thread late = new Thread(() -> reactor.execute(() -> ranOn.set(Thread.currentThread().getName())),
                    "late-caller");
            late.start();
            late.join(5000);
            assertThat(FastIo.drain(sink[0])).as("bytes written to descriptors opened after the reactor closed")
                    .isZero();
            // not dropped: the SIGKILL of a session that ignores SIGHUP may be in it
            assertThat(ranOn.get()).as("the thread that ran a task handed over after the reactor stopped")
                    .isEqualTo("late-caller");
        } finally {
            Descriptors.close(taken);
            Descriptors.close(sink);
        }
    }

    @Test
    void tasksHandedOverWhileItClosesStillRun() throws Exception {
        Reactor reactor = new Reactor("reactor-test");
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        reactor.execute(() -> {
            busy.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(reactor::close, "closer");
        closer.start();
        CountDownLatch ran = new CountDownLatch(1);
        reactor.execute(ran::countDown); // handed over while the reactor is busy and being closed
        release.countDown();
        closer.join(5000);
        assertThat(ran.await(5, TimeUnit.SECONDS)).as("a hang-up handed over before the reactor stopped runs").isTrue();
    }

    /** Work that a late task hands over runs after it, in order, as it would on the reactor thread. */
    @Test
    void lateTasksRunInTheOrderTheyWereHandedOver() throws Exception {
        Reactor reactor = new Reactor("reactor-test");
        reactor.close();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        reactor.execute(() -> {
            reactor.execute(() -> order.add("handed over by the first"));
            order.add("first");
        });
        reactor.execute(() -> order.add("second"));
        assertThat(order).containsExactly("first", "handed over by the first", "second");
    }

    @Test
    void aTimerRunsOnTheReactorThreadOnceItsDelayHasPassed() throws Exception {
        Reactor reactor = new Reactor("reactor-test");
        try {
            CountDownLatch ran = new CountDownLatch(1);
            AtomicReference<String> ranOn = new AtomicReference<>();
            reactor.schedule(Duration.ofMillis(50), () -> {
                ranOn.set(Thread.currentThread().getName());
                ran.countDown();
            });
            assertThat(ran.await(5, TimeUnit.SECONDS)).as("the timer ran").isTrue();
            assertThat(ranOn.get()).isEqualTo("reactor-test");
        } finally {
            reactor.close();
        }
    }

    /**
     * The SIGKILL a hung-up session schedules must not be lost when the agent stops during its grace period: the
     * stopping reactor runs it then, and one scheduled after the stop runs at once.
     */
    @Test
    void timersPendingWhenItStopsRunThenAndLaterOnesAtOnce() throws Exception {
        Reactor reactor = new Reactor("reactor-test");
        CountDownLatch pending = new CountDownLatch(1);
        reactor.schedule(Duration.ofHours(1), pending::countDown);
        reactor.close();
        assertThat(pending.await(5, TimeUnit.SECONDS)).as("the timer pending at the stop ran").isTrue();
        AtomicReference<String> lateOn = new AtomicReference<>();
        reactor.schedule(Duration.ofHours(1), () -> lateOn.set(Thread.currentThread().getName()));
        assertThat(lateOn.get()).as("a timer scheduled after the stop ran at once, here")
                .isEqualTo(Thread.currentThread().getName());
    }
}
