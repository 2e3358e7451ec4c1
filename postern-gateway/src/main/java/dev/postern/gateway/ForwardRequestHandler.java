package dev.postern.gateway;

import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tcpip-forward} and {@code cancel-tcpip-forward} (RFC 4254 section 7.1) as the gateway understands them:
 * a logged-in machine may "forward" exactly its own name, {@code <id>.vm.<app>.internal} port 22. Nothing is
 * bound: the request registers the connection as the machine's tunnel, and people's channels are opened over it
 * as {@code forwarded-tcpip}.
 */
final class ForwardRequestHandler extends AbstractConnectionServiceRequestHandler {
    static final String FORWARD = "tcpip-forward";
    static final String CANCEL = "cancel-tcpip-forward";
    private static final Logger LOG = LoggerFactory.getLogger(ForwardRequestHandler.class);
    private final Tunnels tunnels;

    ForwardRequestHandler(Tunnels tunnels) {
        this.tunnels = tunnels;
    }

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer) throws Exception {
        if (!FORWARD.equals(request) && !CANCEL.equals(request)) {
            return super.process(service, request, wantReply, buffer);
        }
        String address = buffer.getString();
        int port = buffer.getInt();
        Session session = service.getSession();
        GatewayLogin login = session.getAttribute(GatewayLogin.KEY);
        if (!(login instanceof GatewayLogin.Machine)) {
            LOG.warn("refused {} {}:{} from a person's connection {}: only machines forward", request,
                    GatewayAuthenticator.printable(address), port, session.getRemoteAddress());
            return Result.ReplyFailure;
        }
        MachineRecord machine = ((GatewayLogin.Machine) login).machine();
        if (!machine.hostName().equalsIgnoreCase(address) || port != Names.SSH_PORT) {
            LOG.warn("refused {} of {}:{} by machine {}: a machine may only forward its own name {}:{}", request,
                    GatewayAuthenticator.printable(address), port, machine.id(), machine.hostName(), Names.SSH_PORT);
            return Result.ReplyFailure;
        }
        if (FORWARD.equals(request)) {
            tunnels.up(machine, (ServerSession) session);
        } else {
            tunnels.down(machine.id(), (ServerSession) session);
        }
        // Port 22 was asked for, not 0: the reply carries no port (RFC 4254 section 7.1).
        return Result.ReplySuccess;
    }
}
