package dev.postern.cli.connect;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * A MINA client that connects to exactly the {@link InetSocketAddress} it is given. MINA's public
 * {@code connect} methods rebuild the address from its host string (and so resolve the machine's name in
 * DNS); this one keeps the loopback address with the machine's name attached, so the session's connect
 * address names the machine without any lookup.
 */
final class NamedTargetClient extends SshClient {
    static NamedTargetClient create() {
        return (NamedTargetClient) ClientBuilder.builder().factory(NamedTargetClient::new).build();
    }

    ConnectFuture connectNamed(String user, InetSocketAddress named) throws IOException {
        HostConfigEntry entry = new HostConfigEntry(named.getHostString(), named.getHostString(), named.getPort(), user);
        entry.setIdentitiesOnly(true);
        return doConnect(user, named, null, null, KeyIdentityProvider.EMPTY_KEYS_PROVIDER, entry);
    }
}
