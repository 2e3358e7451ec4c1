package dev.postern.agent.session;

import java.io.IOException;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;

/** Creates {@link AgentChannel}s for "session" channel-open requests, in place of MINA's factory. */
final class AgentChannelFactory implements ChannelFactory {
    @Override
    public String getName() {
        return "session";
    }

    @Override
    public Channel createChannel(Session session) throws IOException {
        return new AgentChannel();
    }
}
