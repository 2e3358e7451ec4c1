package dev.postern.gateway;

import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.common.channel.RequestHandler;

/**
 * Notes a machine's keepalive ({@code keepalive@openssh.com}, sent by its agent every interval) as a sign of life,
 * so that {@code LAST SEEN} moves while a tunnel is up ({@link Tunnels#seen}, which writes at most once a
 * minute). Answers nothing itself: the next handler ({@code KeepAliveHandler}) replies as before.
 */
final class TunnelKeepAlive implements RequestHandler<ConnectionService> {
    private final Tunnels tunnels;

    TunnelKeepAlive(Tunnels tunnels) {
        this.tunnels = tunnels;
    }

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer) {
        Session session = service.getSession();
        if (request != null && request.startsWith("keepalive@") && session instanceof ServerSession s
                && s.getAttribute(GatewayLogin.KEY) instanceof GatewayLogin.Machine m) {
            tunnels.seen(m.machine().id(), s);
        }
        return Result.Unsupported;
    }
}
