package dev.postern.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #SECRETS}: a machine asks, through its own tunnel, for the deployed secrets of its app. The answer is
 * the request-specific data of {@code SSH_MSG_REQUEST_SUCCESS} (RFC 4254 section 4):
 * {@code uint64 version, uint32 count, count * (string name, string value)}. So the values travel only inside
 * the SSH connection the machine logged into with its host certificate, never over HTTP.
 *
 * <p>Only a machine's connection that is its app's live tunnel is answered: a person's connection, or a second
 * connection of the machine whose tunnel claim was refused, gets {@code SSH_MSG_REQUEST_FAILURE}. A machine only
 * ever gets its own app's secrets: the app comes from its certificate login, not from the request.
 */
final class SecretsRequestHandler extends AbstractConnectionServiceRequestHandler {
    /** The global request a machine sends (want-reply true) to get its app's deployed secrets. */
    static final String SECRETS = "secrets@postern.dev";
    private static final Logger LOG = LoggerFactory.getLogger(SecretsRequestHandler.class);
    private final GatewayDirectory directory;
    private final Tunnels tunnels;

    SecretsRequestHandler(GatewayDirectory directory, Tunnels tunnels) {
        this.directory = directory;
        this.tunnels = tunnels;
    }

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer) throws Exception {
        if (!SECRETS.equals(request)) {
            return super.process(service, request, wantReply, buffer);
        }
        Session session = service.getSession();
        GatewayLogin login = session.getAttribute(GatewayLogin.KEY);
        if (!(login instanceof GatewayLogin.Machine m)) {
            LOG.warn("refused {} from a person's connection {}: only machines get secrets", request,
                    session.getRemoteAddress());
            return Result.ReplyFailure;
        }
        MachineRecord machine = m.machine();
        Optional<Tunnels.Tunnel> live = tunnels.get(machine.id());
        if (live.isEmpty() || live.get().session() != session) {
            LOG.warn("refused {} of machine {} from {}: that connection is not the machine's live tunnel", request,
                    machine.id(), Tunnels.address((org.apache.sshd.server.session.ServerSession) session));
            return Result.ReplyFailure;
        }
        if (!wantReply) {
            return Result.Replied; // an answer nobody reads would only put the values on the wire
        }
        DeployedSecrets secrets = directory.deployedSecrets(machine.org(), machine.app());
        Buffer reply = session.createBuffer(SshConstants.SSH_MSG_REQUEST_SUCCESS, 64);
        reply.putLong(secrets.version());
        reply.putInt(secrets.values().size());
        for (Map.Entry<String, String> e : secrets.values().entrySet()) {
            reply.putString(e.getKey());
            reply.putBytes(e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        session.writePacket(reply);
        LOG.info("sent secrets version {} ({} names) of app {} to machine {}", secrets.version(),
                secrets.values().size(), machine.app(), machine.id());
        return Result.Replied;
    }
}
