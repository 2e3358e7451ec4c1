package dev.postern.gateway;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.SshConstants;
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
 * as {@code forwarded-tcpip}. When the machine's tunnel is already up elsewhere, the answer waits for
 * {@link Tunnels#claim} to probe it, and a refused newcomer is disconnected with the reason.
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
        if (CANCEL.equals(request)) {
            tunnels.down(machine.id(), (ServerSession) session);
            return Result.ReplySuccess;
        }
        CompletableFuture<Tunnels.Claim> claim = tunnels.claim(machine, (ServerSession) session);
        if (claim.isDone() && claim.join().accepted()) {
            // Port 22 was asked for, not 0: the reply carries no port (RFC 4254 section 7.1).
            return Result.ReplySuccess;
        }
        // The machine already has a tunnel, which is being probed: answer when the probe has settled the claim.
        // Until then nothing more is read from the newcomer, so that a keepalive it sends meanwhile is not
        // answered before this request (replies to global requests must come in order, RFC 4254 section 4).
        session.getIoSession().suspendRead();
        claim.whenComplete((c, error) -> answer(session, wantReply, error == null ? c : Tunnels.Claim.refused(
                "the gateway could not settle which tunnel of machine " + machine.id() + " is live; try again")));
        return Result.Replied;
    }

    private static void answer(Session session, boolean wantReply, Tunnels.Claim claim) {
        try {
            if (wantReply) {
                byte reply = claim.accepted() ? SshConstants.SSH_MSG_REQUEST_SUCCESS : SshConstants.SSH_MSG_REQUEST_FAILURE;
                session.writePacket(session.createBuffer(reply, 0));
            }
            // after the reply is queued, and before a disconnect: closing with unread input would reset the
            // connection, and the newcomer might never read why
            session.getIoSession().resumeRead();
            if (!claim.accepted()) {
                // the failure reply carries no text: the disconnect message tells the newcomer why
                session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, claim.refusal().get());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not answer the forward request of {}: {}", session, e.toString());
            if (!claim.accepted()) {
                session.close(true);
            }
        }
    }
}
