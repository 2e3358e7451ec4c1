package dev.postern.cli.proxy;

import java.io.PrintStream;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.forward.TcpipClientChannel;

/**
 * Tells the person, in one line per refused connection, that the machine did not open the forwarded port. Why: MINA's
 * forwarder only logs the channel-open failure and closes the local socket, so a proxy to a port nothing listens on
 * looked like a proxy that silently drops connections.
 */
final class RefusedForwards implements ChannelListener {
    /** The hint MINA's client channel gives its listeners when the server answers SSH_MSG_CHANNEL_OPEN_FAILURE. */
    static final String OPEN_FAILURE = "SSH_MSG_CHANNEL_OPEN_FAILURE";

    private final PrintStream err;
    private final String machine;
    private final int remote;

    RefusedForwards(PrintStream err, String machine, int remote) {
        this.err = err;
        this.machine = machine;
        this.remote = remote;
    }

    @Override
    public void channelStateChanged(Channel channel, String hint) {
        if (channel instanceof TcpipClientChannel && OPEN_FAILURE.equals(hint)) {
            report();
        }
    }

    @Override
    public void channelOpenFailure(Channel channel, Throwable reason) {
        if (channel instanceof TcpipClientChannel) {
            report();
        }
    }

    /** The line for one refused connection (the proxy keeps running: the service may come up later). */
    String message() {
        return "postern: " + machine + " refused the connection to its 127.0.0.1:" + remote + ": nothing listens on"
                + " port " + remote + " there, or your access does not permit port forwarding; start the service or"
                + " fix the REMOTE port (postern proxy LOCAL:REMOTE)";
    }

    private void report() {
        synchronized (err) {
            err.println(message());
            err.flush();
        }
    }
}
