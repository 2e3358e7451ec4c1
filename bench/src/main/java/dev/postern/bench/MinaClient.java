package dev.postern.bench;

import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.kex.DHGClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * MINA's SSH client in the harness JVM, the same client against both servers: used where forking one ssh
 * process per session would measure the client instead of the server (many held sessions, session rate).
 * It logs in with the run's certificate and accepts only the expected host key.
 */
final class MinaClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final SshClient client;
    private final KeyPair identity;
    private final SshServerProcess server;

    private MinaClient(SshClient client, KeyPair identity, SshServerProcess server) {
        this.client = client;
        this.identity = identity;
        this.server = server;
    }

    static MinaClient to(Rig rig, SshServerProcess server) throws IOException {
        SshClient client = SshClient.setUpDefaultClient();
        // the same key exchange and cipher as the ssh command lines (Ssh.KEX, Ssh.DEFAULT_CIPHER)
        client.setKeyExchangeFactories(List.of(DHGClient.newFactory(BuiltinDHFactories.curve25519)));
        client.setCipherFactoriesNames(BuiltinCiphers.aes128gcm.getName());
        client.setServerKeyVerifier(new RequiredServerKeyVerifier(OpenSshKeys.parsePublicKey(server.hostKeyLine())));
        // as OpenSSH's client: with Nagle on, every small request/reply waits for a delayed ACK (40 ms), which
        // capped benchmark 8 at the client for both servers
        org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
        return new MinaClient(client, identity(rig.userKey, rig.userCert), server);
    }

    static KeyPair identity(Path key, Path cert) throws IOException {
        try (InputStream in = Files.newInputStream(key)) {
            KeyPair plain = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.toString()), in, null)
                    .iterator().next();
            return new KeyPair(OpenSshKeys.readCertificate(cert), plain.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the user key " + key + ": " + e.getMessage(), e);
        }
    }

    /** A new authenticated connection as the bench user. */
    ClientSession connect() throws IOException {
        ClientSession session = client.connect(BenchUser.NAME, "127.0.0.1", server.port()).verify(TIMEOUT).getSession();
        session.addPublicKeyIdentity(identity);
        session.auth().verify(TIMEOUT);
        return session;
    }

    /** Runs {@code command} in a new session channel on {@code session} and waits for it to close. */
    static void exec(ClientSession session, String command) throws IOException {
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(java.io.OutputStream.nullOutputStream());
            channel.setErr(java.io.OutputStream.nullOutputStream());
            channel.open().verify(TIMEOUT);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException("'" + command + "' did not finish within " + TIMEOUT);
            }
            Integer status = channel.getExitStatus();
            if (status != null && status != 0) {
                throw new IOException("'" + command + "' exited with " + status);
            }
        }
    }

    @Override
    public void close() {
        client.stop();
    }
}
