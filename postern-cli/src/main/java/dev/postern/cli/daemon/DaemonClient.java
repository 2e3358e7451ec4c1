package dev.postern.cli.daemon;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
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

    /** Asks the daemon to stop; true when one was running and agreed. */
    boolean stop() {
        return ask("stop").filter(f -> f.type() == Frames.ACCEPTED).isPresent();
    }

    private Optional<Frames.Frame> ask(String kind) {
        if (run.untrustedSocket().isPresent()) {
            return Optional.empty();
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(run.socket()));
            new DaemonRequest(DaemonRequest.VERSION, kind, "", "", "", List.of(), Map.of())
                    .write(new DataOutputStream(Channels.newOutputStream(channel)));
            return Optional.of(Frames.read(new DataInputStream(new BufferedInputStream(
                    Channels.newInputStream(channel)))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
