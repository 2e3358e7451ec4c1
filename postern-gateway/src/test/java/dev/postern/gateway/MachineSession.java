package dev.postern.gateway;

import dev.postern.ssh.CryptoPolicy;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A machine's login at the gateway made with MINA's client (the OpenSSH client never offers a host certificate as
 * a user identity), used to send forwarding requests the real agent would not send.
 */
final class MachineSession implements AutoCloseable {
    private final SshClient client;
    private final ClientSession session;
    private final AtomicReference<String> disconnectMessage;

    private MachineSession(SshClient client, ClientSession session, AtomicReference<String> disconnectMessage) {
        this.client = client;
        this.session = session;
        this.disconnectMessage = disconnectMessage;
    }

    static MachineSession login(int port, String machineId, KeyPair hostKeyWithCert, PublicKey gatewayKey)
            throws IOException {
        SshClient client = SshClient.setUpDefaultClient();
        CryptoPolicy.applyTo(client);
        client.setServerKeyVerifier(new RequiredServerKeyVerifier(gatewayKey));
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory() {
            @Override
            public UserAuthPublicKey createUserAuth(ClientSession s) {
                return new UserAuthPublicKey(getSignatureFactories()) {
                    @Override
                    protected PublicKeyIdentity resolveAttemptedPublicKeyIdentity(ClientSession cs, String service,
                                                                                  PublicKeyAuthenticationReporter r) {
                        return keys != null && keys.hasNext() ? keys.next() : null;
                    }
                };
            }
        }));
        AtomicReference<String> disconnectMessage = new AtomicReference<>();
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionDisconnect(Session s, int reason, String msg, String language, boolean initiator) {
                if (!initiator) {
                    disconnectMessage.set(msg);
                }
            }
        });
        client.start();
        ClientSession session = client.connect(machineId, "127.0.0.1", port).verify(Duration.ofSeconds(10)).getSession();
        session.addPublicKeyIdentity(hostKeyWithCert);
        session.auth().verify(Duration.ofSeconds(10));
        return new MachineSession(client, session, disconnectMessage);
    }

    /** Sends tcpip-forward; true when the gateway accepted it. */
    boolean forward(String host, int port) throws IOException {
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        request.putString("tcpip-forward");
        request.putBoolean(true);
        request.putString(host);
        request.putUInt(port);
        return session.request("tcpip-forward", request, Duration.ofSeconds(10)) != null;
    }

    /** Sends {@value HostCertRenewHandler#REQUEST}; the reply's certificate line, or null when refused. */
    String renew() throws IOException {
        return HostCertRenewHandler.send(session);
    }

    /** The raw connection, to send what no agent would. */
    ClientSession session() {
        return session;
    }

    boolean isOpen() {
        return session.isOpen() && !session.isClosing();
    }

    /** The message of the gateway's SSH_MSG_DISCONNECT, once one came. */
    Optional<String> disconnectMessage() {
        return Optional.ofNullable(disconnectMessage.get());
    }

    @Override
    public void close() {
        session.close(true);
        client.stop();
    }
}
