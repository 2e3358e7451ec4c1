package dev.postern.agent.forward;

import dev.postern.agent.files.LocalUser;
import dev.postern.agent.files.UserDirectory;
import dev.postern.ssh.CertificateGrant;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;

/**
 * Server side of agent forwarding: MINA calls {@link #createServer} once per connection on the first
 * permitted {@code auth-agent-req@openssh.com} and puts the returned id (our socket path) into the
 * session's SSH_AUTH_SOCK.
 */
final class AgentSocketFactory implements SshAgentFactory {
    private final UserDirectory users;
    private final Path tmp;
    private final int agentUid;

    AgentSocketFactory(UserDirectory users, Path tmp, int agentUid) {
        this.users = users;
        this.tmp = tmp;
        this.agentUid = agentUid;
    }

    @Override
    public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of(); // clients never open agent channels to us
    }

    @Override
    public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
        throw new IOException("the agent does not use a forwarded ssh-agent itself");
    }

    @Override
    public SshAgentServer createServer(ConnectionService service) throws IOException {
        CertificateGrant grant = service.getSession().getAttribute(CertificateGrant.KEY);
        if (grant == null || !grant.permitAgentForwarding()) {
            throw new IOException("agent forwarding refused: the certificate lacks permit-agent-forwarding");
        }
        LocalUser user = users.lookup(grant.login()).orElseThrow(
                () -> new IOException("agent forwarding refused: no local user '" + grant.login() + "'"));
        AgentSocket socket = AgentSocket.open(service, tmp, user, agentUid == 0 && user.uid() != 0);
        service.getSession().setAttribute(Forwarding.AGENT_SOCKET, socket.getId());
        return socket;
    }
}
