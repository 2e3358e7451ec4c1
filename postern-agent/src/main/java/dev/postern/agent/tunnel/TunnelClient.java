package dev.postern.agent.tunnel;

import dev.postern.ssh.CryptoPolicy;
import dev.postern.ssh.InProcessSshServer;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine's reverse tunnel: dials OUT to the gateway, logs in with the machine's host key and host
 * certificate, asks to forward its own name ({@code tcpip-forward <id>.vm.<app>.internal:22}), and serves every
 * {@code forwarded-tcpip} channel the gateway opens as one SSH connection to the given in-process server. The
 * machine needs no listening socket. It keeps the tunnel alive with keepalives and reconnects with exponential
 * backoff and jitter, forever, until closed.
 *
 * <p>How the agent wires it (instead of {@code server.start()} in tunnel mode):
 * <pre>{@code
 * SshServer server = SshServer.setUpDefaultServer();
 * ServerSetup.lockDown(server, authenticator, hostKeys);      // the agent's usual setup: auth, shell, sftp...
 * server.setShellFactory(...); server.setCommandFactory(...); // everything but setHost/setPort/start()
 * InProcessSshServer inProcess = InProcessSshServer.of(server);
 * TunnelClient tunnel = TunnelClient.start(new TunnelConfig(gatewayHost, 2222, machineId, app,
 *         hostKeys.keyPair(), hostKeys.certificate().orElseThrow(), trust, Duration.ofSeconds(15),
 *         Backoff.DEFAULT, clock), inProcess);
 * ...
 * tunnel.close(); inProcess.close(); server.stop();
 * }</pre>
 * The inner sessions see the person's address (as reported by the gateway) as their remote address.
 */
public final class TunnelClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelClient.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String FORWARDED_TCPIP = "forwarded-tcpip";

    private final TunnelConfig config;
    private final SshClient client;
    private final Sleeper sleeper;
    private final Random random;
    private final Thread loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile ClientSession current;
    private volatile boolean online;
    private volatile OpenSshCertificate certificate;
    private volatile String gatewayMessage = "";

    /** Must equal the gateway's {@code HostCertRenewHandler.REQUEST}; the agent does not depend on the gateway. */
    static final String RENEW = "host-cert-renew@postern.dev";

    private TunnelClient(TunnelConfig config, SshClient client, Sleeper sleeper, Random random) {
        this.config = config;
        this.certificate = config.hostCertificate();
        this.client = client;
        this.sleeper = sleeper;
        this.random = random;
        this.loop = new Thread(this::run, "postern-tunnel-" + config.machineId());
        this.loop.setDaemon(true);
    }

    /** Starts the tunnel with the real sleeper; returns at once (connecting happens in the background). */
    public static TunnelClient start(TunnelConfig config, InProcessSshServer server) {
        return start(config, server, Sleeper.SYSTEM, new Random());
    }

    /** As {@link #start(TunnelConfig, InProcessSshServer)} with an injected sleeper and randomness (tests). */
    public static TunnelClient start(TunnelConfig config, InProcessSshServer server, Sleeper sleeper, Random random) {
        return start(config, server, sleeper, random, () -> { });
    }

    /**
     * As {@link #start(TunnelConfig, InProcessSshServer)}; {@code onRevocationsChanged} runs (on an I/O thread:
     * keep it short) when the gateway says the org's revocations changed.
     */
    public static TunnelClient start(TunnelConfig config, InProcessSshServer server, Runnable onRevocationsChanged) {
        return start(config, server, Sleeper.SYSTEM, new Random(), onRevocationsChanged);
    }

    static TunnelClient start(TunnelConfig config, InProcessSshServer server, Sleeper sleeper, Random random,
                              Runnable onRevocationsChanged) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(server, "server");
        SshClient client = SshClient.setUpDefaultClient();
        CryptoPolicy.applyTo(client);
        client.setServerKeyVerifier(new GatewayKeyVerifier(config.trust(), config.clock()));
        // Nothing from ~/.ssh: no config file, no default identities, no agent.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(HostCertificateAuth.FACTORY));
        String name = config.forwardedName();
        client.setChannelFactories(List.of(server.channelFactory(FORWARDED_TCPIP, (host, port) ->
                name.equalsIgnoreCase(host) && port == 22 ? Optional.empty()
                        : Optional.of("this machine forwards only " + name + ":22"))));
        List<RequestHandler<ConnectionService>> handlers = new ArrayList<>(client.getGlobalRequestHandlers());
        handlers.add(new RevocationPush(onRevocationsChanged));
        client.setGlobalRequestHandlers(handlers);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, config.keepAlive());
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
        // every inner session's small request/reply messages cross this connection: no Nagle delay (see ServerSetup)
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
        TunnelClient tunnel = new TunnelClient(config, client, sleeper, random);
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionDisconnect(Session session, int reason, String msg, String language, boolean initiator) {
                if (!initiator && msg != null && !msg.isBlank()) {
                    // the gateway says why it hangs up (machine removed, certificate expired, shutting down)
                    tunnel.gatewayMessage = msg.replaceAll("\\p{Cntrl}", "?");
                    LOG.warn("the gateway {}:{} closed the tunnel: {}", config.gatewayHost(), config.gatewayPort(),
                            tunnel.gatewayMessage);
                }
            }
        });
        tunnel.loop.start();
        return tunnel;
    }

    /** The last reason the gateway gave for closing the tunnel or refusing its login; empty when none. */
    public String gatewayMessage() {
        return gatewayMessage;
    }

    /** The host certificate the tunnel logs in with (the newest after renewals). */
    public OpenSshCertificate certificate() {
        return certificate;
    }

    /** Logs in with {@code renewed} from the next connection on (same host key, newer validity). */
    public void useCertificate(OpenSshCertificate renewed) {
        if (!KeyUtils.compareKeys(renewed.getCertPubKey(), config.hostKey().getPublic())) {
            throw new IllegalArgumentException("the renewed certificate is for another key");
        }
        certificate = renewed;
    }

    /**
     * Asks the gateway, over the logged-in tunnel connection, for a new host certificate of this machine's host
     * key ({@value #RENEW}); the login already proved possession of the key. Empty when the tunnel is down or the
     * gateway refused (its log says why).
     */
    public Optional<String> requestRenewal() throws IOException {
        ClientSession s = current;
        if (s == null || !online) {
            return Optional.empty();
        }
        Buffer request = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        request.putString(RENEW);
        request.putBoolean(true);
        Buffer reply = s.request(RENEW, request, CONNECT_TIMEOUT);
        return reply == null ? Optional.empty() : Optional.of(reply.getString());
    }

    /** Whether the tunnel is up (logged in and forwarding) right now. */
    public boolean isOnline() {
        return online;
    }

    private void run() {
        int failures = 0;
        try {
            while (!closing) {
                boolean wasUp = connectAndServe();
                if (closing) {
                    break;
                }
                failures = wasUp ? 0 : failures + 1;
                Duration delay = config.backoff().delay(failures, random);
                LOG.info("tunnel to {}:{} down; reconnecting in {} ms", config.gatewayHost(), config.gatewayPort(),
                        delay.toMillis());
                sleeper.sleep(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /** One connection's life; returns whether it got as far as forwarding. */
    private boolean connectAndServe() {
        try (ClientSession session = client.connect(config.machineId(), config.gatewayHost(), config.gatewayPort())
                .verify(CONNECT_TIMEOUT).getSession()) {
            current = session;
            if (closing) {
                return false;
            }
            KeyPair identity = new KeyPair(certificate, config.hostKey().getPrivate());
            session.addPublicKeyIdentity(identity);
            session.auth().verify(CONNECT_TIMEOUT);
            Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
            request.putString("tcpip-forward");
            request.putBoolean(true);
            request.putString(config.forwardedName());
            request.putUInt(22);
            if (session.request("tcpip-forward", request, CONNECT_TIMEOUT) == null) {
                LOG.warn("gateway {}:{} refused to forward {}", config.gatewayHost(), config.gatewayPort(),
                        config.forwardedName());
                return false;
            }
            online = true;
            gatewayMessage = "";
            LOG.info("tunnel up: {} via {}:{}", config.forwardedName(), config.gatewayHost(), config.gatewayPort());
            session.waitFor(EnumSet.of(ClientSessionEvent.CLOSED), 0L);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("tunnel to {}:{}: {}", config.gatewayHost(), config.gatewayPort(), e.toString());
            return false;
        } finally {
            online = false;
            current = null;
        }
    }

    /** Closes the tunnel and stops reconnecting. The in-process server is the caller's to close. */
    @Override
    public void close() {
        closing = true;
        ClientSession s = current;
        if (s != null) {
            s.close(true);
        }
        loop.interrupt();
        try {
            if (!stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("tunnel thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            client.stop();
        } catch (RuntimeException e) {
            LOG.debug("client stop: {}", e.toString());
        }
    }
}
