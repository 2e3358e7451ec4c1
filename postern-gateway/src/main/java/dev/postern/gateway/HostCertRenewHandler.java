package dev.postern.gateway;

import dev.postern.ssh.CertificateRefusedException;
import java.util.Optional;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global request {@value #REQUEST} (RFC 4254 section 4, want-reply): a logged-in machine asks for a new host
 * certificate before its current one expires, as smallstep's {@code ssh renew}. The connection itself is the
 * proof: the machine logged in with a signature of its host key and a valid, unrevoked host certificate for it.
 * The control plane signs a new certificate for the same key only while the machine still belongs to its app;
 * the reply ({@code SSH_MSG_REQUEST_SUCCESS}) carries the certificate line, a refusal carries nothing (the
 * gateway log has the reason). Requests from people's connections are refused.
 */
final class HostCertRenewHandler extends AbstractConnectionServiceRequestHandler {
    /** Must equal the agent's {@code TunnelClient.RENEW}; the agent does not depend on the gateway. */
    static final String REQUEST = "host-cert-renew@postern.dev";
    private static final Logger LOG = LoggerFactory.getLogger(HostCertRenewHandler.class);
    private final GatewayDirectory directory;

    HostCertRenewHandler(GatewayDirectory directory) {
        this.directory = directory;
    }

    /** The client side, for tests and tools: sends the request; the certificate line, or null when refused. */
    static String send(Session session) throws java.io.IOException {
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        request.putString(REQUEST);
        request.putBoolean(true);
        Buffer reply = session.request(REQUEST, request, java.time.Duration.ofSeconds(10));
        return reply == null ? null : reply.getString();
    }

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer) throws Exception {
        if (!REQUEST.equals(request)) {
            return super.process(service, request, wantReply, buffer);
        }
        Session session = service.getSession();
        GatewayLogin login = session.getAttribute(GatewayLogin.KEY);
        if (!(login instanceof GatewayLogin.Machine machine)) {
            LOG.warn("refused {} from a person's connection {}", REQUEST, session.getRemoteAddress());
            return Result.ReplyFailure;
        }
        String id = machine.machine().id();
        String line;
        try {
            Optional<MachineRecord> current = directory.machine(id);
            if (current.isEmpty()) {
                throw new CertificateRefusedException("machine " + id + " is unknown or was removed");
            }
            if (directory.revocations(machine.org()).isRevoked(machine.certificate())) {
                throw new CertificateRefusedException("its host certificate is revoked");
            }
            line = directory.renewHostCertificate(current.get(), machine.certificate().getCertPubKey());
        } catch (CertificateRefusedException e) {
            LOG.warn("host certificate renewal of machine {} refused: {}", id, e.getMessage());
            return Result.ReplyFailure;
        }
        if (wantReply) {
            Buffer reply = session.createBuffer(SshConstants.SSH_MSG_REQUEST_SUCCESS, line.length() + 8);
            reply.putString(line);
            session.writePacket(reply);
        }
        LOG.info("renewed the host certificate of machine {}", id);
        return Result.Replied;
    }
}
