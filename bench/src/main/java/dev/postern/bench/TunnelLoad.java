package dev.postern.bench;

import dev.postern.ssh.CryptoPolicy;
import dev.postern.ssh.OpenSshKeys;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.kex.DHGClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The tunnel load generator of benchmark 7: many idle reverse tunnels held from the harness JVM, one SSH
 * connection each, all on one MINA client (so 2,000 tunnels cost the harness a few threads, not 2,000 JVMs).
 *
 * <p>Toward the Postern gateway every connection does what a tunnel-mode agent's {@code TunnelClient} does:
 * Postern's algorithm policy, the gateway's host key pinned, login as its own joined machine (user name = machine
 * id) with its host key and HOST certificate, {@code tcpip-forward <id>.vm.<app>.internal:22} with want-reply, and
 * a keepalive every 15 s with want-reply (three unanswered end it). Toward sshd every connection is what
 * {@code ssh -N -R 127.0.0.1:0:... -o ServerAliveInterval=15} does (with curve25519-sha256): login with the bench user's certificate,
 * {@code tcpip-forward 127.0.0.1:0} (sshd binds a real listening port for it, as for any {@code -R}), and a
 * {@code keepalive@openssh.com} every 15 s. Nobody opens channels: the tunnels are idle.
 */
final class TunnelLoad implements AutoCloseable {
    /** The agent's tunnel keepalive (Agent.java) and the gateway's default heartbeat. */
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int PARALLEL = 16;

    /** Opens one tunnel on the shared client. */
    private interface Opener {
        ClientSession open(SshClient client, int index) throws IOException;
    }

    private final SshClient client;
    private final List<ClientSession> sessions = new CopyOnWriteArrayList<>();

    private TunnelLoad(SshClient client) {
        this.client = client;
    }

    /** One agent tunnel per machine to the plane's gateway; returns once all are forwarding. */
    static TunnelLoad agents(ControlPlaneProcess plane, List<JoinedMachine> machines, Deadline deadline)
            throws Exception {
        SshClient client = client(plane.gatewayHostKey(), null);
        client.setUserAuthFactories(List.of(HostCertificateLogin.FACTORY));
        TunnelLoad load = new TunnelLoad(client);
        load.openAll(machines.size(), deadline, (c, i) -> {
            JoinedMachine m = machines.get(i);
            ClientSession s = c.connect(m.id(), "127.0.0.1", plane.gatewayPort()).verify(TIMEOUT).getSession();
            s.addPublicKeyIdentity(m.loginIdentity());
            s.auth().verify(TIMEOUT);
            forward(s, m.name(), 22);
            return s;
        });
        return load;
    }

    /** {@code count} {@code ssh -R}-like sessions into sshd as the bench user; returns once all are forwarding. */
    static TunnelLoad reverseForwards(SshServerProcess sshd, KeyPair userIdentity, int count, Deadline deadline)
            throws Exception {
        SshClient client = client(sshd.hostKeyLine(), "keepalive@openssh.com");
        // curve25519-sha256 rather than the policy's sntrup761x25519 that sshd 9.2 would pick: the same idle state,
        // but without BouncyCastle's slow sntrup761 key generation in the harness for every connection
        client.setKeyExchangeFactories(List.of(DHGClient.newFactory(BuiltinDHFactories.curve25519)));
        TunnelLoad load = new TunnelLoad(client);
        load.openAll(count, deadline, (c, i) -> {
            ClientSession s = c.connect(BenchUser.NAME, "127.0.0.1", sshd.port()).verify(TIMEOUT).getSession();
            s.addPublicKeyIdentity(userIdentity);
            s.auth().verify(TIMEOUT);
            forward(s, "127.0.0.1", 0);
            return s;
        });
        return load;
    }

    private static SshClient client(String hostKeyLine, String keepAliveRequest) {
        SshClient client = SshClient.setUpDefaultClient();
        CryptoPolicy.applyTo(client);
        client.setServerKeyVerifier(new RequiredServerKeyVerifier(OpenSshKeys.parsePublicKey(hostKeyLine)));
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, KEEPALIVE);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
        CoreModuleProperties.TCP_NODELAY.set(client, true); // as the agent's tunnel client and OpenSSH's ssh
        if (keepAliveRequest != null) {
            CoreModuleProperties.HEARTBEAT_REQUEST.set(client, keepAliveRequest);
        }
        client.start();
        return client;
    }

    /** RFC 4254 section 7.1, with want-reply, as the agent sends it. */
    private static void forward(ClientSession session, String address, int port) throws IOException {
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        request.putString("tcpip-forward");
        request.putBoolean(true);
        request.putString(address);
        request.putUInt(port);
        if (session.request("tcpip-forward", request, TIMEOUT) == null) {
            session.close(true);
            throw new IOException("tcpip-forward " + address + ":" + port + " refused by " + session.getRemoteAddress());
        }
    }

    private void openAll(int count, Deadline deadline, Opener opener) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    if (deadline.passed()) {
                        throw new IOException("time budget used up with " + sessions.size() + " of " + count
                                + " tunnels open");
                    }
                    sessions.add(opener.open(client, index));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(deadline.left().toMillis() + TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            close();
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }

    int size() {
        return sessions.size();
    }

    /** How many of the tunnels are still open (none should have dropped while idle). */
    int open() {
        return (int) sessions.stream().filter(s -> s.isOpen() && !s.isClosing()).count();
    }

    @Override
    public void close() {
        for (ClientSession s : sessions) {
            s.close(true);
        }
        sessions.clear();
        client.stop();
    }

    /**
     * The client "publickey" method offering a HOST certificate, as the agent's tunnel does (MINA's own method
     * offers only USER certificates); the gateway accepts a machine's host certificate as its login.
     */
    private static final class HostCertificateLogin extends UserAuthPublicKey {
        static final UserAuthPublicKeyFactory FACTORY = new UserAuthPublicKeyFactory() {
            @Override
            public UserAuthPublicKey createUserAuth(ClientSession session) {
                return new HostCertificateLogin(getSignatureFactories());
            }
        };

        HostCertificateLogin(List<org.apache.sshd.common.NamedFactory<org.apache.sshd.common.signature.Signature>> f) {
            super(f);
        }

        @Override
        protected PublicKeyIdentity resolveAttemptedPublicKeyIdentity(ClientSession session, String service,
                                                                      PublicKeyAuthenticationReporter reporter) {
            return keys != null && keys.hasNext() ? keys.next() : null;
        }
    }
}
