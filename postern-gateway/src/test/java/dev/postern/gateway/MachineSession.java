package dev.postern.gateway;

import dev.postern.ssh.CryptoPolicy;
import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
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
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A machine's login at the gateway made with MINA's client (the OpenSSH client never offers a host certificate as
 * a user identity), used to send forwarding requests the real agent would not send.
 */
final class MachineSession implements AutoCloseable {
    private final SshClient client;
    private final ClientSession session;

    private MachineSession(SshClient client, ClientSession session) {
        this.client = client;
        this.session = session;
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
        client.start();
        ClientSession session = client.connect(machineId, "127.0.0.1", port).verify(Duration.ofSeconds(10)).getSession();
        session.addPublicKeyIdentity(hostKeyWithCert);
        session.auth().verify(Duration.ofSeconds(10));
        return new MachineSession(client, session);
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

    @Override
    public void close() {
        session.close(true);
        client.stop();
    }
}
