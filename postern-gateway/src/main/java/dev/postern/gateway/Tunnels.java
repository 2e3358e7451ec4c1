package dev.postern.gateway;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machines whose reverse tunnel ends at this gateway: machine id to the SSH session that forwarded its name.
 *
 * <p>A second tunnel for a machine whose tunnel is up is a reconnect after a silent network failure, or a copy of
 * the machine's identity (its data dir) logging in elsewhere. The gateway does not hand a live machine's traffic to
 * the newcomer on its word: it probes the existing tunnel ({@link TunnelProbe}); if that answers, the newcomer is
 * refused and the old tunnel keeps the traffic; if it does not answer within the probe timeout, it is closed and
 * the newcomer takes its place ({@link TunnelConflict}). One probe per machine at a time: a claim made while one
 * is pending is refused.
 */
final class Tunnels {
    private static final Logger LOG = LoggerFactory.getLogger(Tunnels.class);

    record Tunnel(MachineRecord machine, ServerSession session) {
    }

    /** The answer to a claim: accepted, or refused with a message for the newcomer. */
    record Claim(Optional<String> refusal) {
        static final Claim ACCEPTED = new Claim(Optional.empty());

        static Claim refused(String message) {
            return new Claim(Optional.of(message));
        }

        boolean accepted() {
            return refusal.isEmpty();
        }
    }

    /** How often a live tunnel's keepalives are written to the directory as its last-seen time. */
    static final Duration SEEN_EVERY = Duration.ofMinutes(1);

    private final Map<String, Tunnel> byId = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastWritten = new ConcurrentHashMap<>();
    private final Set<String> probing = new HashSet<>(); // guarded by this
    private final Map<TunnelConflict, LongAdder> conflicts = new EnumMap<>(TunnelConflict.class);
    private final GatewayDirectory directory;
    private final Clock clock;
    private final Duration probeTimeout;

    Tunnels(GatewayDirectory directory, Clock clock, Duration probeTimeout) {
        this.directory = directory;
        this.clock = clock;
        this.probeTimeout = probeTimeout;
        for (TunnelConflict c : TunnelConflict.values()) {
            conflicts.put(c, new LongAdder());
        }
    }

    /**
     * {@code session} asks to be {@code machine}'s tunnel. Completes at once when the machine has no live tunnel,
     * else after probing the one it has.
     */
    CompletableFuture<Claim> claim(MachineRecord machine, ServerSession session) {
        String id = machine.id();
        Tunnel old;
        synchronized (this) {
            if (probing.contains(id)) {
                return CompletableFuture.completedFuture(refuse(id, session, "a takeover of machine " + id
                        + "'s tunnel is already being checked; try again", "another claim's probe is pending"));
            }
            old = byId.get(id);
            if (old != null && old.session() == session) {
                // the tunnel's own connection asking again: nothing changes, so nothing is installed or written
                // again (a machine repeating it would otherwise write "online" to the store each time)
                return CompletableFuture.completedFuture(Claim.ACCEPTED);
            }
            if (old == null || old.session().isClosing()) {
                install(machine, session);
                return CompletableFuture.completedFuture(Claim.ACCEPTED);
            }
            probing.add(id);
        }
        return TunnelProbe.answers(old.session(), probeTimeout)
                .handleAsync((answered, error) -> settle(machine, session, old, Boolean.TRUE.equals(answered)));
    }

    private synchronized Claim settle(MachineRecord machine, ServerSession newcomer, Tunnel old, boolean answered) {
        String id = machine.id();
        probing.remove(id);
        Tunnel current = byId.get(id);
        if (answered && current == old && !old.session().isClosing()) {
            return refuse(id, newcomer, "machine " + id + " already has a live tunnel from " + address(old.session()),
                    "its tunnel from " + address(old.session()) + " answered a keepalive");
        }
        if (current != null && current != old && !current.session().isClosing()) {
            return refuse(id, newcomer, "machine " + id + " already has a live tunnel from "
                    + address(current.session()), "another tunnel took its place meanwhile");
        }
        conflicts.get(TunnelConflict.REPLACED).increment();
        LOG.warn("machine {}: its tunnel from {} did not answer a keepalive within {}; replacing it with the tunnel"
                + " from {}", id, address(old.session()), probeTimeout, address(newcomer));
        old.session().close(true);
        install(machine, newcomer);
        return Claim.ACCEPTED;
    }

    private Claim refuse(String id, ServerSession newcomer, String message, String why) {
        conflicts.get(TunnelConflict.REFUSED).increment();
        LOG.warn("refused a second tunnel for machine {} from {}: {}", id, address(newcomer), why);
        return Claim.refused(message);
    }

    private void install(MachineRecord machine, ServerSession session) {
        Tunnel fresh = new Tunnel(machine, session);
        byId.put(machine.id(), fresh);
        session.addCloseFutureListener(f -> down(fresh));
        if (session.isClosing()) {
            down(fresh);
            return;
        }
        Instant now = clock.instant();
        lastWritten.put(machine.id(), now);
        directory.machineOnline(machine.id(), true, now);
        LOG.info("machine {} ({}) online", machine.id(), machine.hostName());
    }

    /**
     * {@code session}, the tunnel of {@code machineId}, sent a keepalive: records it as seen now, at most once per
     * {@link #SEEN_EVERY}. Under the tunnel's lock, as {@link #down(Tunnel)}, so a late keepalive never marks a
     * machine online again after its tunnel went down.
     */
    void seen(String machineId, ServerSession session) {
        Tunnel t = byId.get(machineId);
        if (t == null || t.session() != session) {
            return;
        }
        synchronized (t) {
            if (byId.get(machineId) != t) {
                return;
            }
            Instant now = clock.instant();
            Instant last = lastWritten.get(machineId);
            if (last != null && now.isBefore(last.plus(SEEN_EVERY))) {
                return;
            }
            lastWritten.put(machineId, now);
            directory.machineOnline(machineId, true, now);
        }
    }

    private void down(Tunnel tunnel) {
        synchronized (tunnel) {
            if (byId.remove(tunnel.machine().id(), tunnel)) {
                directory.machineOnline(tunnel.machine().id(), false, clock.instant());
                LOG.info("machine {} offline", tunnel.machine().id());
            }
        }
    }

    /** Takes a machine's tunnel down, as when its session ends (e.g. cancel-tcpip-forward). */
    void down(String machineId, ServerSession session) {
        Tunnel t = byId.get(machineId);
        if (t != null && t.session() == session) {
            down(t);
        }
    }

    Optional<Tunnel> get(String machineId) {
        Tunnel t = byId.get(machineId);
        return t == null || t.session().isClosing() ? Optional.empty() : Optional.of(t);
    }

    /** Any online machine of that app, picked at random to spread load. */
    Optional<Tunnel> anyOf(String org, String app) {
        List<Tunnel> candidates = new ArrayList<>();
        for (Tunnel t : byId.values()) {
            if (t.machine().org().equals(org) && t.machine().app().equals(app) && !t.session().isClosing()) {
                candidates.add(t);
            }
        }
        return candidates.isEmpty() ? Optional.empty()
                : Optional.of(candidates.get(ThreadLocalRandom.current().nextInt(candidates.size())));
    }

    List<String> onlineIds() {
        return List.copyOf(byId.keySet());
    }

    long conflicts(TunnelConflict outcome) {
        return conflicts.get(outcome).sum();
    }

    /** host:port of the peer, without the leading slash of {@link InetSocketAddress#toString()}. */
    static String address(ServerSession session) {
        SocketAddress a = session.getRemoteAddress();
        if (a instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(a);
    }
}
