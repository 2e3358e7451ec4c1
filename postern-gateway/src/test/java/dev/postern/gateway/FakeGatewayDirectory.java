package dev.postern.gateway;

import dev.postern.ssh.RevocationList;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.KeyUtils;

/** An in-memory {@link GatewayDirectory} that records online/offline reports. */
final class FakeGatewayDirectory implements GatewayDirectory {
    record OnlineEvent(String machineId, boolean online) {
    }

    /** An online/offline report with its time. */
    record Report(String machineId, boolean online, Instant at) {
    }

    final Map<String, PublicKey> userCas = new ConcurrentHashMap<>();
    final Map<String, PublicKey> hostCas = new ConcurrentHashMap<>();
    final Map<String, RevocationList> revocations = new ConcurrentHashMap<>();
    final Map<String, MachineRecord> machines = new ConcurrentHashMap<>();
    final Set<String> members = ConcurrentHashMap.newKeySet();
    final List<OnlineEvent> events = new CopyOnWriteArrayList<>();
    /** Deployed secrets by "org/app". */
    final Map<String, DeployedSecrets> secrets = new ConcurrentHashMap<>();
    /** "org/email/app" entries a member may not reach; members reach every other app (as owners and admins do). */
    final Set<String> denied = ConcurrentHashMap.newKeySet();

    /** Runs on each online/offline report, on the gateway's thread that makes it (tests look in at that moment). */
    volatile java.util.function.Consumer<OnlineEvent> onReport = e -> { };

    /** Machines whose host certificate this directory was asked to renew; it answers a fixed line. */
    final List<String> renewed = new CopyOnWriteArrayList<>();

    @Override
    public String renewHostCertificate(MachineRecord machine, PublicKey hostKey) {
        renewed.add(machine.id());
        return "renewed " + machine.id();
    }
    final List<Report> reports = new CopyOnWriteArrayList<>();

    void addOrg(String org, PublicKey userCa, PublicKey hostCa) {
        userCas.put(org, userCa);
        hostCas.put(org, hostCa);
    }

    void addMember(String org, String email) {
        members.add(org + "/" + email);
    }

    void addMachine(MachineRecord m) {
        machines.put(m.id(), m);
    }

    @Override
    public Optional<String> userCaOrg(PublicKey caKey) {
        return userCas.entrySet().stream().filter(e -> KeyUtils.compareKeys(e.getValue(), caKey))
                .map(Map.Entry::getKey).findFirst();
    }

    @Override
    public List<PublicKey> hostCaKeys(String org) {
        PublicKey k = hostCas.get(org);
        return k == null ? List.of() : List.of(k);
    }

    @Override
    public RevocationList revocations(String org) {
        return revocations.getOrDefault(org, RevocationList.empty());
    }

    @Override
    public Optional<MachineRecord> machine(String machineId) {
        return Optional.ofNullable(machines.get(machineId));
    }

    @Override
    public boolean isMember(String org, String email) {
        return members.contains(org + "/" + email);
    }

    @Override
    public boolean mayReach(String org, String email, String app) {
        return isMember(org, email) && !denied.contains(org + "/" + email + "/" + app);
    }

    @Override
    public void machineOnline(String machineId, boolean online, Instant at) {
        events.add(new OnlineEvent(machineId, online));
        reports.add(new Report(machineId, online, at));
        onReport.accept(new OnlineEvent(machineId, online));
    }

    List<OnlineEvent> events() {
        return new ArrayList<>(events);
    }

    @Override
    public DeployedSecrets deployedSecrets(String org, String app) {
        return secrets.getOrDefault(org + "/" + app, DeployedSecrets.NONE);
    }
}
