package dev.postern.gateway;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machines whose reverse tunnel ends at this gateway: machine id to the SSH session that forwarded its name.
 * A machine that reconnects while its old connection is not yet known dead replaces it (the old one is closed):
 * the newest tunnel is the live one.
 */
final class Tunnels {
    private static final Logger LOG = LoggerFactory.getLogger(Tunnels.class);

    record Tunnel(MachineRecord machine, ServerSession session) {
    }

    private final Map<String, Tunnel> byId = new ConcurrentHashMap<>();
    private final GatewayDirectory directory;
    private final Clock clock;

    Tunnels(GatewayDirectory directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    void up(MachineRecord machine, ServerSession session) {
        Tunnel fresh = new Tunnel(machine, session);
        Tunnel old = byId.put(machine.id(), fresh);
        if (old != null && old.session() != session) {
            LOG.info("machine {} reconnected; closing its previous tunnel", machine.id());
            old.session().close(true);
        }
        session.addCloseFutureListener(f -> down(fresh));
        if (session.isClosing()) {
            down(fresh);
            return;
        }
        directory.machineOnline(machine.id(), true, clock.instant());
        LOG.info("machine {} ({}) online", machine.id(), machine.hostName());
    }

    private void down(Tunnel tunnel) {
        if (byId.remove(tunnel.machine().id(), tunnel)) {
            directory.machineOnline(tunnel.machine().id(), false, clock.instant());
            LOG.info("machine {} offline", tunnel.machine().id());
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
}
