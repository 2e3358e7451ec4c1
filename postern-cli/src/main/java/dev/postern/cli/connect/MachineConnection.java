package dev.postern.cli.connect;

import dev.postern.cli.CliException;
import dev.postern.cli.ExitCodes;
import dev.postern.ssh.CryptoPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * One SSH session with a machine, end to end through the gateway (OpenSSH ProxyJump semantics):
 *
 * <pre>
 *  this process                         gateway                      machine (agent)
 *  gateway session ──SSH (pinned key)──▶ direct-tcpip ─────tunnel──▶ :22
 *  127.0.0.1:eph ═ local forward ═══════════╝
 *  machine session ──SSH over that stream, host CERTIFICATE checked against the org host CA──▶
 * </pre>
 *
 * The machine session connects to the loopback end of a local forward of the gateway session, as MINA's
 * own ProxyJump does; the address carries the machine's name (no DNS) so that both MINA's principal check
 * and {@link HostCertificateVerifier} see the name we asked for. Both hops authenticate with the same user
 * certificate; nothing else (no ~/.ssh/config, no default keys, no ssh-agent, no passwords) is consulted.
 */
public final class MachineConnection implements AutoCloseable {
    private final SshClient gatewayClient;
    private final SshClient machineClient;
    private final ClientSession gateway;
    private final ClientSession machine;
    private final AtomicReference<String> endReason;

    private MachineConnection(SshClient gatewayClient, SshClient machineClient, ClientSession gateway,
                              ClientSession machine, AtomicReference<String> endReason) {
        this.gatewayClient = gatewayClient;
        this.machineClient = machineClient;
        this.gateway = gateway;
        this.machine = machine;
        this.endReason = endReason;
    }

    /** {@link #open(Route, UserIdentity, String, Clock, Duration, KeepAlive)} with {@link KeepAlive#DEFAULT}. */
    public static MachineConnection open(Route route, UserIdentity identity, String user, Clock clock,
                                         Duration timeout) {
        return open(route, identity, user, clock, timeout, KeepAlive.DEFAULT);
    }

    /**
     * Connects and authenticates both hops.
     *
     * @throws CliException naming the hop that failed and why (exit 4 when the gateway is unreachable, 3 when
     *     a login is refused, 1 when a host key does not verify)
     */
    public static MachineConnection open(Route route, UserIdentity identity, String user, Clock clock,
                                         Duration timeout, KeepAlive keepAlive) {
        String gwText = route.gateway().host() + ":" + route.gateway().port();
        AtomicReference<String> endReason = new AtomicReference<>();
        EndReason[] reasons = EndReason.forHops("the gateway at " + gwText, route.machineName(), endReason);
        SshClient gatewayClient = SshClient.setUpDefaultClient();
        configure(gatewayClient, new PinnedKeyVerifier(route.gatewayHostKey()), keepAlive, reasons[0]);
        HostCertificateVerifier machineVerifier = new HostCertificateVerifier(route.hostCa(), clock,
                route.revokedHostKeys());
        NamedTargetClient machineClient = NamedTargetClient.create();
        configure(machineClient, machineVerifier, keepAlive, reasons[1]);
        ClientSession gw = null;
        ClientSession m = null;
        try {
            try {
                gw = gatewayClient.connect(user, route.gateway().host(), route.gateway().port()).verify(timeout)
                        .getSession();
            } catch (IOException e) {
                throw new CliException(ExitCodes.UNREACHABLE, "cannot reach the Postern gateway at " + gwText + " ("
                        + e.getMessage() + "); is 'postern server' running with its gateway?", e);
            }
            gw.addPublicKeyIdentity(identity.loginKey());
            verifyKexAndAuth(gw, timeout, "the gateway at " + gwText + " did not verify (its host key is not the one "
                    + "the control plane publishes) or refused the login");
            try (ExplicitPortForwardingTracker tracker = gw.createLocalPortForwardingTracker(
                    new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress(route.target().host(), route.target().port()))) {
                InetSocketAddress bound = tracker.getBoundAddress().toInetSocketAddress();
                // A name attached to the loopback address: no DNS lookup, and the session's connect address
                // names the machine we asked for.
                InetSocketAddress named = new InetSocketAddress(
                        InetAddress.getByAddress(route.machineName(), bound.getAddress().getAddress()), bound.getPort());
                try {
                    m = machineClient.connectNamed(user, named).verify(timeout).getSession();
                    m.addPublicKeyIdentity(identity.loginKey());
                    m.auth().verify(timeout);
                } catch (IOException e) {
                    throw machineFailure(route, machineVerifier, e);
                }
            }
            return new MachineConnection(gatewayClient, machineClient, gw, m, endReason);
        } catch (IOException | RuntimeException e) {
            closeQuietly(m, gw);
            gatewayClient.stop();
            machineClient.stop();
            if (e instanceof CliException c) {
                throw c;
            }
            throw new CliException(ExitCodes.FAILURE, "cannot connect to " + route.machineName() + " through the gateway "
                    + gwText + ": " + e.getMessage(), e);
        }
    }

    /** The authenticated session with the machine: open exec, shell, sftp and direct-tcpip channels on it. */
    public ClientSession session() {
        return machine;
    }

    /**
     * Why the connection ended, for the person ("the gateway at 127.0.0.1:2222 stopped answering keepalives ..."),
     * or "" while it is open.
     */
    public String endReason() {
        String r = endReason.get();
        return r == null ? "" : r;
    }

    @Override
    public void close() {
        closeQuietly(machine, gateway);
        machineClient.stop();
        gatewayClient.stop();
    }

    private static void verifyKexAndAuth(ClientSession gw, Duration timeout, String message) {
        try {
            gw.auth().verify(timeout);
        } catch (IOException e) {
            int code = e.getMessage() != null && e.getMessage().contains("key did not validate") ? ExitCodes.FAILURE
                    : ExitCodes.AUTH;
            throw new CliException(code, message + ": " + e.getMessage(), e);
        }
    }

    private static CliException machineFailure(Route route, HostCertificateVerifier verifier, IOException e) {
        String refusal = verifier.lastRefusal();
        if (!refusal.isEmpty()) {
            return new CliException(ExitCodes.FAILURE, "refusing to talk to " + route.machineName() + ": " + refusal
                    + "; this is not the machine you asked for, or its certificate predates the org's current host CA", e);
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("KeyExchange") && m.contains("verification failed")) {
            // MINA's own certificate checks (signature, type, principal vs. the connect address) ran first
            return new CliException(ExitCodes.FAILURE, "refusing to talk to " + route.machineName() + ": its host "
                    + "certificate does not verify (" + m + "); this is not the machine you asked for", e);
        }
        if (m.contains("No more authentication methods") || m.contains("authentication")) {
            return new CliException(ExitCodes.AUTH, route.machineName() + " refused the login: " + m, e);
        }
        return new CliException(ExitCodes.FAILURE, "the gateway could not open a connection to " + route.machineName()
                + " (" + m + "); is the machine online? Check 'postern machines list'", e);
    }

    private static void configure(SshClient client, ServerKeyVerifier verifier, KeepAlive keepAlive,
                                  EndReason endReason) {
        CryptoPolicy.applyTo(client);
        // Like OpenSSH's client: no idle timeout of its own (MINA's default cut an idle proxy or console after
        // 10 minutes), but keepalives that want an answer (ServerAliveInterval/CountMax). They are traffic on
        // both hops, so the gateway's and the agent's idle timeouts do not fire while the person is connected,
        // and a peer that stops answering ends the connection instead of leaving it to linger.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, keepAlive.interval());
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, keepAlive.maxMissed());
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
        client.addSessionListener(endReason);
        client.setServerKeyVerifier(verifier);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setAgentFactory(null);
        client.start();
    }

    private static void closeQuietly(ClientSession... sessions) {
        for (ClientSession s : sessions) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException | RuntimeException ignored) {
                    // closing after a failure: the first error is the one to report
                }
            }
        }
    }
}
