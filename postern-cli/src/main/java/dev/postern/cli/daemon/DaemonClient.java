package dev.postern.cli.daemon;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import jdk.net.ExtendedSocketOptions;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** {@code postern daemon status|stop}'s side of the socket: asks the daemon serving {@code run} for one answer. */
final class DaemonClient {
    private final RunDir run;

    DaemonClient(RunDir run) {
        this.run = run;
    }

    /** The running daemon's status; empty when none answers on a trusted socket. */
    Optional<DaemonStatus> status() {
        return ask("status").filter(f -> f.type() == Frames.INFO).map(f -> DaemonStatus.parse(f.text()));
    }

    /**
     * True when a daemon answers on a trusted socket that it is busy: it runs one request at a time, and answers
     * anything else meanwhile with {@link Frames#BUSY}, status and stop too.
     */
    boolean busy() {
        return ask("status").filter(f -> f.type() == Frames.BUSY).isPresent();
    }

    /** Asks the daemon to stop; true when one was running and agreed. */
    boolean stop() {
        return ask("stop").filter(f -> f.type() == Frames.ACCEPTED).isPresent();
    }

    /**
     * Asks the daemon to stop, again every 100 ms while it is busy with a request (until {@code deadline}): a busy
     * daemon is running, and "none is running" would be wrong. True when one agreed.
     */
    boolean stop(Instant deadline, Clock clock) throws InterruptedException {
        while (true) {
            Optional<Frames.Frame> answer = ask("stop");
            if (answer.isEmpty() || answer.get().type() != Frames.BUSY || clock.instant().isAfter(deadline)) {
                return answer.filter(f -> f.type() == Frames.ACCEPTED).isPresent();
            }
            Thread.sleep(100);
        }
    }

    /** How long status and stop wait for the daemon's answer. */
    private static final long ANSWER_BOUND = 5_000;

    private static void closeAfter(SocketChannel channel, long millis) {
        try {
            Thread.sleep(millis);
            channel.close();
        } catch (InterruptedException | IOException e) {
            // the answer came, or the channel is gone already
        }
    }

    private Optional<Frames.Frame> ask(String kind) {
        if (run.untrustedSocket().isPresent()) {
            return Optional.empty();
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(run.socket()));
            // as the thin client: the path checks lose to a directory above run/ swapped after them; only a
            // process of this user may say what the daemon is doing, or be asked to stop
            if (!Files.getOwner(Path.of("/proc/self")).equals(
                    channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user())) {
                return Optional.empty();
            }
            // a wedged daemon (stopped with SIGSTOP, say) must not hang status or stop: the read ends at the bound
            Thread watchdog = new Thread(() -> closeAfter(channel, ANSWER_BOUND), "postern-daemon-answer-bound");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                try {
                    new DaemonRequest(DaemonRequest.VERSION, kind, "", "", "", List.of(), Map.of())
                            .write(new DataOutputStream(Channels.newOutputStream(channel)));
                } catch (IOException e) {
                    // a busy daemon answers at once and closes without reading: the write may fail (EPIPE) with
                    // its answer already here to read
                }
                return Optional.of(Frames.read(new DataInputStream(new BufferedInputStream(
                        Channels.newInputStream(channel)))));
            } finally {
                watchdog.interrupt();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
