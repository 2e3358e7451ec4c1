package dev.postern.gateway;

import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;

/**
 * MINA's server, set up as {@link SshServer#setUpDefaultServer()} does, with one step MINA keeps to itself: stop
 * accepting connections while keeping the ones it has. A shutdown does that first, as sshd does on SIGTERM, so that
 * nobody gets in (a machine reconnecting at once, as it is told to) while the live connections are told why they
 * end, only to be cut without a word when the server stops.
 */
final class ListeningServer extends SshServer {
    static ListeningServer setUp() {
        return (ListeningServer) ServerBuilder.builder().factory(ListeningServer::new).build();
    }

    /** Closes the listening socket (new connections are refused by the kernel); live connections stay. */
    void stopListening() {
        IoAcceptor a = acceptor;
        if (a != null) {
            a.unbind();
        }
    }
}
