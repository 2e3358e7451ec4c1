package dev.postern.gateway;

import dev.postern.ssh.CryptoPolicy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/** A person's authenticated connection to the gateway held open by MINA's client. */
final class LiveUserSession implements AutoCloseable {
    private final SshClient client;
    private final ClientSession session;

    private LiveUserSession(SshClient client, ClientSession session) {
        this.client = client;
        this.session = session;
    }

    static LiveUserSession open(int port, Path key, Path cert, PublicKey gatewayKey) throws Exception {
        SshClient client = SshClient.setUpDefaultClient();
        CryptoPolicy.applyTo(client);
        client.setServerKeyVerifier(new RequiredServerKeyVerifier(gatewayKey));
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.start();
        KeyPair pair;
        try (InputStream in = Files.newInputStream(key)) {
            pair = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.toString()), in, null)
                    .iterator().next();
        }
        ClientSession session = client.connect("anyone", "127.0.0.1", port).verify(Duration.ofSeconds(10))
                .getSession();
        session.addPublicKeyIdentity(new KeyPair(Keys.certificate(cert), pair.getPrivate()));
        session.auth().verify(Duration.ofSeconds(10));
        return new LiveUserSession(client, session);
    }

    ClientSession session() {
        return session;
    }

    boolean isOpen() {
        return session.isOpen() && !session.isClosing();
    }

    @Override
    public void close() {
        session.close(true);
        client.stop();
    }
}
